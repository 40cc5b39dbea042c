// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class Fp16Test {
    @Test
    void everyFiniteHalfSurvivesARoundTripThroughFloat() {
        for (int h = 0; h < 0x10000; h++) {
            short half = (short) h;
            float f = Fp16.toFloat(half);
            if (Float.isNaN(f)) {
                assertThat((h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0).isTrue();
                assertThat(Float.isNaN(Fp16.toFloat(Fp16.fromFloat(f)))).isTrue();
            } else {
                assertThat(Fp16.fromFloat(f)).as("half 0x%04x", h).isEqualTo(half);
            }
        }
    }

    @Test
    void knownValues() {
        assertThat(Fp16.fromFloat(1.0f)).isEqualTo((short) 0x3C00);
        assertThat(Fp16.fromFloat(-2.0f)).isEqualTo((short) 0xC000);
        assertThat(Fp16.fromFloat(65504f)).isEqualTo((short) 0x7BFF);
        assertThat(Fp16.fromFloat(65520f)).as("rounds up to infinity").isEqualTo((short) 0x7C00);
        assertThat(Fp16.fromFloat(0x1p-24f)).as("smallest subnormal").isEqualTo((short) 0x0001);
        assertThat(Fp16.fromFloat(0x1p-25f)).as("half of it: a tie, to even zero").isEqualTo((short) 0x0000);
        assertThat(Fp16.fromFloat(-0.0f)).isEqualTo((short) 0x8000);
        assertThat(Fp16.fromFloat(1.0f + 0x1p-11f)).as("tie between 1 and 1+2^-10 goes to even").isEqualTo((short) 0x3C00);
        assertThat(Fp16.fromFloat(1.0f + 0x1p-11f + 0x1p-20f)).isEqualTo((short) 0x3C01);
    }

    /** Checks round-to-nearest-even against an exact search over the two neighbouring halves. */
    @Test
    void conversionRoundsToTheNearestHalfTiesToEven() {
        qt().withFixedSeed(1611L).withExamples(20000).forAll(integers().all()).checkAssert(bits -> {
            float f = Float.intBitsToFloat(bits);
            if (Float.isNaN(f) || Float.isInfinite(f) || Math.abs(f) >= 65520f) {
                return;
            }
            short h = Fp16.fromFloat(f);
            BigDecimal exact = new BigDecimal(f);
            BigDecimal mine = new BigDecimal(Fp16.toFloat(h)).subtract(exact).abs();
            for (int delta : new int[] {-1, 1}) {
                int other = (h & 0xFFFF) + delta;
                if ((other & 0x7C00) == 0x7C00 || other < 0 || ((other ^ h) & 0x8000) != 0) {
                    continue;
                }
                BigDecimal theirs = new BigDecimal(Fp16.toFloat((short) other)).subtract(exact).abs();
                assertThat(mine.compareTo(theirs)).as("%s -> 0x%04x vs 0x%04x", f, h, other).isLessThanOrEqualTo(0);
                if (mine.compareTo(theirs) == 0) {
                    assertThat(h & 1).as("tie goes to even for %s", f).isZero();
                }
            }
        });
    }
}
