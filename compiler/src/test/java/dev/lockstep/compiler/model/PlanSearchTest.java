// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.config.ModelConfigs;
import dev.lockstep.compiler.config.Precision;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import org.junit.jupiter.api.Test;

/** Plans, asked directly: the fewest chips, the plan for a system, the refusals, and the packing fallback. */
class PlanSearchTest {
    private static final SystemSpec TSP = SystemSpecs.presetOrFile("tsp-576");

    static ModelConfig preset(String name) {
        return ModelConfigs.presetOrFile("../programs/models/" + name + ".json");
    }

    @Test
    void mixtralOn576ChipsIsLayersOnWholeNodes() {
        PlanSearch.Found f = PlanSearch.forChips(preset("mixtral-8x7b"), Precision.FP16, 3, 4096, TSP, 576);
        DecodePlan p = f.plan();
        assertThat(p.embeddingChips()).isEqualTo(8);
        assertThat(p.chipsPerLayer()).isEqualTo(16);
        assertThat(p.attentionChips()).isEqualTo(8);
        assertThat(p.headChips()).isEqualTo(56);
        assertThat(p.chips()).isEqualTo(576);
        assertThat(f.fallback()).isEmpty();
        // the busiest chip: 1/16 of the experts and the router (fp16, see layerChipBytes), 1/8 of attention and of
        // the KV caches of 3 sequences of 4096 tokens, and the reserve
        assertThat(p.layerChipBytes()).isEqualTo(196_087_808L);
        DecodePlan fewest = f.minimal();
        assertThat(fewest.chips()).isEqualTo(484);
        assertThat(fewest.embeddingChips()).isEqualTo(2);
        assertThat(fewest.chipsPerLayer()).isEqualTo(15);
        assertThat(fewest.headChips()).isEqualTo(2);
    }

    @Test
    void aModelThatNeedsMoreChipsSaysHowMany() {
        assertThatThrownBy(() -> PlanSearch.forChips(preset("llama-2-70b"), Precision.FP16, 3, 4096, TSP, 576))
                .isInstanceOfSatisfying(DecodePlan.TooFewChips.class, e -> {
                    // 726 before the table's chips followed its layout (TableLayout: 5 where its bytes take 3)
                    assertThat(e.minimal().chips()).isEqualTo(728);
                    assertThat(e.chips()).isEqualTo(576);
                });
    }

    @Test
    void cachesNoChipHoldsAreRefusedWithTheirSize() {
        assertThatThrownBy(() -> PlanSearch.forChips(preset("llama-2-70b"), Precision.INT8, 64, 1 << 20, TSP, 576))
                .isInstanceOf(DecodePlan.NoPlanFits.class)
                .hasMessageContaining("does not fit any number of chips")
                .hasMessageContaining("one KV head's caches for every sequence");
    }

    @Test
    void layersLeaveWholeNodesWhenTheirWeightsDoNotPack() {
        // 8 sequences: 16 chips per layer fit by bytes but the V caches do not pack; 17 do (docs/model.md)
        PlanSearch.Found f = PlanSearch.forChips(preset("mixtral-8x7b"), Precision.FP16, 8, 4096, TSP, 576);
        assertThat(f.plan().chipsPerLayer()).isEqualTo(17);
        assertThat(f.fallback()).hasValueSatisfying(why -> assertThat(why)
                .startsWith("with 16 chips per layer (whole nodes) chip ").endsWith("; trying 17 chips per layer"));
    }
}
