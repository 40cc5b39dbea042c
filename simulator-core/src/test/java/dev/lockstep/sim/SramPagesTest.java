// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import dev.lockstep.isa.chip.SliceKind;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.DataBlock;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A functional SRAM keeps its words in pages made on first write: what was loaded or written reads back, across
 * page boundaries, and a word never written reads as zeros.
 */
class SramPagesTest {
    @Test
    void wordsReadBackAcrossPagesAndUnwrittenOnesAreZero() {
        ChipSpec chip = ChipSpecs.preset("tsp-v1");
        int v = chip.vectorBytes();
        int slice = chip.floorplan().slicesOf(SliceKind.MEM).get(3).position();
        // 300 words from 200: across the page boundary at 256, into a third page at 512
        int start = Sram.PAGE_WORDS - 56;
        int words = 300 + Sram.PAGE_WORDS;
        byte[] bytes = new byte[words * v];
        new SplittableRandom(5).nextBytes(bytes);
        ChipProgram program = new ChipProgram(0, List.of(), List.of(new DataBlock(slice, start, bytes)), List.of());
        Sram sram = new Sram(chip, program, true, 4);
        assertThat(sram.dump(slice, start, words)).isEqualTo(bytes);
        for (int w : new int[] {0, Sram.PAGE_WORDS - 1, Sram.PAGE_WORDS, words - 1}) {
            assertThat(sram.read(slice, start + w)).isEqualTo(Arrays.copyOfRange(bytes, w * v, (w + 1) * v));
        }
        // never written: zeros, whole words and bytes, before, after and in another slice
        assertThat(sram.read(slice, start - 1)).isEqualTo(new byte[v]);
        assertThat(sram.read(slice, start + words)).isEqualTo(new byte[v]);
        int other = chip.floorplan().slicesOf(SliceKind.MEM).get(4).position();
        assertThat(sram.readByte(other, 7, 2)).isZero();
        assertThat(sram.dump(other, 0, 3)).isEqualTo(new byte[3 * v]);
        // a byte written into a page not made yet, then a word over a loaded one
        int far = chip.mem().wordsPerSlice() - 1;
        sram.writeByte(other, far, 5, (byte) 9);
        assertThat(sram.readByte(other, far, 5)).isEqualTo((byte) 9);
        assertThat(sram.readByte(other, far, 4)).isZero();
        byte[] word = new byte[v];
        Arrays.fill(word, (byte) 3);
        sram.write(slice, start + Sram.PAGE_WORDS, word);
        assertThat(sram.read(slice, start + Sram.PAGE_WORDS)).isEqualTo(word);
        assertThat(sram.read(slice, start + Sram.PAGE_WORDS - 1))
                .isEqualTo(Arrays.copyOfRange(bytes, (Sram.PAGE_WORDS - 1) * v, Sram.PAGE_WORDS * v));
        // outside the slice: a fault, as a whole slice's array gave, never zeros
        assertThatThrownBy(() -> sram.read(other, chip.mem().wordsPerSlice())).isInstanceOf(
                ArrayIndexOutOfBoundsException.class);
        assertThatThrownBy(() -> sram.readByte(other, -1, 0)).isInstanceOf(ArrayIndexOutOfBoundsException.class);
    }
}
