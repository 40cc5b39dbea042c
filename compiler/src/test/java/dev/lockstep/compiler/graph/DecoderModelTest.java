// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.config.ModelConfigs;
import dev.lockstep.compiler.config.Precision;
import dev.lockstep.compiler.graph.LayerStep.CacheProduct;
import dev.lockstep.compiler.graph.LayerStep.Exchange;
import dev.lockstep.compiler.graph.LayerStep.ExchangeKind;
import dev.lockstep.compiler.graph.LayerStep.Payload;
import dev.lockstep.compiler.graph.LayerStep.PerExpert;
import dev.lockstep.compiler.graph.LayerStep.PerKvHead;
import dev.lockstep.compiler.graph.LayerStep.Product;
import dev.lockstep.compiler.graph.LayerStep.Where;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The layer graph, declared once: its parameter counts are the published checkpoints', to the weight. */
class DecoderModelTest {
    static ModelConfig preset(String name) {
        return ModelConfigs.presetOrFile("../programs/models/" + name + ".json");
    }

    @ParameterizedTest(name = "{0} has {1} parameters")
    @CsvSource({
        "mixtral-8x7b, 46702792704",
        "llama-2-70b, 68976648192",
        "mistral-7b, 7241732096",
        "llama-3-8b, 8030261248",
        "llama-2-7b, 6738415616"})
    void parameterCountsAreThePublishedCheckpoints(String model, long published) {
        assertThat(DecoderModel.of(preset(model)).parameters()).isEqualTo(published);
    }

    @Test
    void aTiedHeadSharesTheEmbeddingTable() {
        ModelConfig tied = ModelConfigs.presetOrFile("src/test/resources/models/tiny-llama-tied.json");
        // 12 layers of (2 x 640^2 + 2 x 640 x 320 + 3 x 640 x 1280 + 2 x 640), the table of 1000 x 640 once, the
        // final norm
        assertThat(DecoderModel.of(tied).parameters()).isEqualTo(44_892_800L);
    }

    @Test
    void aMixtralLayerIsAttentionThenRoutedExperts() {
        DecoderLayer layer = DecoderLayer.of(preset("mixtral-8x7b"));
        List<String> kinds = new ArrayList<>();
        for (LayerStep s : layer.steps()) {
            kinds.add(s instanceof Exchange e ? e.kind() + ":" + e.group() : s.getClass().getSimpleName());
        }
        assertThat(kinds).containsExactly("SEND_IN:FIRST_CHIP", "Norm", "BROADCAST:ATTENTION_CHIPS", "Product", "Rope",
                "PerKvHead", "Product", "REDUCE_TO_FIRST:ATTENTION_CHIPS", "Residual", "Norm", "Product", "Route",
                "BROADCAST:EVERY_CHIP", "PerExpert", "Residual", "REDUCE_TO_LAST:EVERY_CHIP");
        PerKvHead head = (PerKvHead) layer.steps().get(5);
        assertThat(head.body()).extracting(s -> s.getClass().getSimpleName())
                .containsExactly("CacheProduct", "Softmax", "CacheProduct");
        assertThat(((CacheProduct) head.body().get(0)).cache()).isEqualTo(Tensor.K_CACHE);
        PerExpert experts = (PerExpert) layer.steps().get(13);
        assertThat(experts.body()).extracting(s -> s.getClass().getSimpleName())
                .containsExactly("Product", "SwiGlu", "Product", "GateByRoute");
    }

    /**
     * Activations cross in the type their consumer takes: every broadcast of a layer and of the head (the embedding's
     * carries token ids) feeds products (fp16 X tiles) with a row
     * normed on the stage's first chip since the last exchange, so it carries a normed row (fp16); what is added
     * (the residual stream sent in, partial sums reduced) stays f32.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"mixtral-8x7b", "llama-2-7b"})
    void broadcastsCarryNormedRowsAndSumsStayF32(String model) {
        DecoderModel m = DecoderModel.of(preset(model));
        List<LayerStep> steps = new ArrayList<>(m.layer().steps());
        steps.addAll(m.head());
        for (int i = 0; i < steps.size(); i++) {
            if (!(steps.get(i) instanceof Exchange e)) {
                continue;
            }
            switch (e.kind()) {
                case BROADCAST -> {
                    assertThat(e.payload()).isIn(Payload.NORMED_ROW, Payload.NORMED_ROW_AND_ROUTE);
                    // the row it carries was normed on the first chip since the last exchange
                    int j = i - 1;
                    while (!(steps.get(j) instanceof LayerStep.Norm) && !(steps.get(j) instanceof Exchange)) {
                        j--;
                    }
                    assertThat(steps.get(j)).isInstanceOf(LayerStep.Norm.class);
                    assertThat(((LayerStep.Norm) steps.get(j)).where()).isEqualTo(Where.FIRST_CHIP);
                }
                case SEND_IN, REDUCE_TO_FIRST -> assertThat(e.payload()).isEqualTo(Payload.HIDDEN_ROW);
                case REDUCE_TO_LAST -> assertThat(e.payload()).isIn(Payload.HIDDEN_ROW, Payload.CHOICE);
                default -> throw new AssertionError("an exchange kind this test does not know: " + e.kind());
            }
        }
        assertThat(m.layer().steps()).filteredOn(s -> s instanceof Exchange e && e.kind() == ExchangeKind.BROADCAST)
                .extracting(s -> ((Exchange) s).payload())
                .containsExactly(Payload.NORMED_ROW, m.model().moe() ? Payload.NORMED_ROW_AND_ROUTE
                        : Payload.NORMED_ROW);
    }

    @Test
    void aDenseLayerHasNoRouterAndNoGating() {
        DecoderLayer layer = DecoderLayer.of(preset("llama-2-7b"));
        assertThat(layer.steps()).noneMatch(s -> s instanceof LayerStep.Route);
        assertThat(layer.steps()).noneMatch(s -> s instanceof Product p && p.weight() == Tensor.ROUTER);
        PerExpert ffn = (PerExpert) layer.steps().stream().filter(s -> s instanceof PerExpert).findFirst()
                .orElseThrow();
        assertThat(ffn.body()).noneMatch(s -> s instanceof LayerStep.GateByRoute);
    }

    @Test
    void weightBytesFoldEachPartsMatrices() {
        ModelConfig m = preset("mixtral-8x7b");
        DecoderLayer layer = DecoderLayer.of(m);
        long d = 4096;
        long kv = 8 * 128;
        // fp16: two bytes a weight
        assertThat(layer.weightBytes(Precision.FP16, Where.ATTENTION_CHIPS)).isEqualTo(2 * (d * d * 2 + d * kv * 2));
        assertThat(layer.weightBytes(Precision.FP16, Where.FIRST_CHIP)).isEqualTo(2 * d * 8);
        assertThat(layer.weightBytes(Precision.FP16, Where.EVERY_CHIP)).isEqualTo(2 * 8 * 3 * d * 14336);
        // int8: one byte a weight and an fp16 scale per column of every matrix
        assertThat(layer.weightBytes(Precision.INT8, Where.EVERY_CHIP))
                .isEqualTo(8 * (3 * d * 14336 + 2 * (2 * 14336) + 2 * d));
        // K and V, 8 KV heads of 128, 4096 tokens, 3 sequences, fp16
        assertThat(layer.cacheBytes(4096, 3)).isEqualTo(2L * 8 * 128 * 4096 * 3 * 2);
    }
}
