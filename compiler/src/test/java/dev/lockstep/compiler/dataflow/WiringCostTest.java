// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.dataflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.compiler.testing.TestSystems;
import dev.lockstep.compiler.vector.VectorKernels;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What wiring costs at Mixtral's sizes: writing a 4096-value activation row into the X tiles of the decode GEMVs
 * (4096 x 14336, the experts' up projection on one chip, and 4096 x 6144, Q, K and V of 32 query and 8 KV heads),
 * against the products themselves (compiled without data: the cycles do not depend on it). docs/model.md quotes
 * these (measured 2026-12-02, weights loaded at 16 streams per MXM slice: 206 cycles against 12,644 (1.6 %), and
 * 226 against 5,575 (4.1 %); with one weight row per cycle, 2026-11-25: 166 against 94,885 and 189 against 41,317).
 */
class WiringCostTest {
    @Test
    void writingARowIntoADecodeGemvsXTilesCostsUnderFivePercentOfTheProduct() {
        SystemBuild b = new SystemBuild(TestSystems.ONE_CHIP);
        ChipDataflow f = new ChipDataflow(b.chip(), b.chip(0), 0);
        double[] x = new double[4096];
        Row in = f.vectors(s -> List.of(new ChipDataflow.Out(VectorKernels.row(s.graph(), x, 0), 4096))).get(0);
        f.matmul("up", List.of(List.of(in)), 4096, 14336, null);
        long upWiring = f.wiringCycles();
        long upProduct = f.productCycles();
        assertThat(upProduct).isEqualTo(12_644);
        assertThat(upWiring).isEqualTo(206).isLessThan(upProduct / 20);
        f.matmul("qkv", List.of(List.of(in)), 4096, 6144, null);
        long qkvWiring = f.wiringCycles() - upWiring;
        long qkvProduct = f.productCycles() - upProduct;
        assertThat(qkvProduct).isEqualTo(5_575);
        assertThat(qkvWiring).isEqualTo(226).isLessThan(qkvProduct / 20);
    }
}
