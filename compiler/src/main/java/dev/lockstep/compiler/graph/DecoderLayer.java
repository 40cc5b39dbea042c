// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.graph;

import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.config.Precision;
import dev.lockstep.compiler.graph.LayerStep.CacheProduct;
import dev.lockstep.compiler.graph.LayerStep.Exchange;
import dev.lockstep.compiler.graph.LayerStep.ExchangeKind;
import dev.lockstep.compiler.graph.LayerStep.GateByRoute;
import dev.lockstep.compiler.graph.LayerStep.Norm;
import dev.lockstep.compiler.graph.LayerStep.Payload;
import dev.lockstep.compiler.graph.LayerStep.PerExpert;
import dev.lockstep.compiler.graph.LayerStep.PerKvHead;
import dev.lockstep.compiler.graph.LayerStep.Product;
import dev.lockstep.compiler.graph.LayerStep.Residual;
import dev.lockstep.compiler.graph.LayerStep.Rope;
import dev.lockstep.compiler.graph.LayerStep.Route;
import dev.lockstep.compiler.graph.LayerStep.Softmax;
import dev.lockstep.compiler.graph.LayerStep.Split;
import dev.lockstep.compiler.graph.LayerStep.SwiGlu;
import dev.lockstep.compiler.graph.LayerStep.Where;
import java.util.ArrayList;
import java.util.List;

/**
 * One decoder layer of a Llama-, Mistral- or Mixtral-style model, declared once: the ordered steps that both
 * lowerings (timing-only and with data) walk, and that parameter counts and a plan's byte accounting fold over.
 * <ol>
 *   <li>The hidden row (f32) arrives at the layer's first chip, which keeps it for the residual, norms it and
 *       broadcasts the normed row over its attention chips in fp16 (the type of the products' X tiles).</li>
 *   <li>On each attention chip (its share of the heads): the Q, K and V columns as one product, RoPE; per KV head
 *       the scores against its K cache, softmax, the weighted sum over its V cache; its rows of o_proj.</li>
 *   <li>The attention's partial sums added into the first chip; there the residual, RMSNorm, and for MoE the router
 *       and its top-k.</li>
 *   <li>The normed row (fp16, and the routing weights) broadcast over the layer's chips; on each, for every expert
 *       whose columns it holds, its gate and up columns, SwiGLU, its rows of the down projection, scaled by the
 *       routing weight (MoE); the first chip adds the residual.</li>
 *   <li>The feed-forward partial sums added into the layer's last chip: the layer's output. (The timing-only
 *       lowering adds a decode step's sums of a layer over several nodes on the next stage's first chip instead,
 *       where the next layer's {@code SEND_IN} then has nothing to send.)</li>
 * </ol>
 *
 * @param model the model's hyper-parameters
 * @param steps the layer's steps in order
 */
public record DecoderLayer(ModelConfig model, List<LayerStep> steps) {
    public DecoderLayer {
        steps = List.copyOf(steps);
    }

    /** The layer of {@code m}. */
    public static DecoderLayer of(ModelConfig m) {
        long d = m.hidden();
        long hd = m.headDim();
        List<LayerStep> s = new ArrayList<>();
        s.add(new Exchange(ExchangeKind.SEND_IN, Where.FIRST_CHIP, Payload.HIDDEN_ROW));
        s.add(new Norm(Where.FIRST_CHIP, Tensor.ATTENTION_NORM));
        s.add(new Exchange(ExchangeKind.BROADCAST, Where.ATTENTION_CHIPS, Payload.NORMED_ROW));
        s.add(new Product(Where.ATTENTION_CHIPS, Tensor.QKV, d, (m.heads() + 2L * m.kvHeads()) * hd,
                Split.HEAD_COLUMNS));
        s.add(new Rope(Where.ATTENTION_CHIPS));
        s.add(new PerKvHead(List.of(new CacheProduct(Where.ATTENTION_CHIPS, Tensor.K_CACHE),
                new Softmax(Where.ATTENTION_CHIPS), new CacheProduct(Where.ATTENTION_CHIPS, Tensor.V_CACHE))));
        s.add(new Product(Where.ATTENTION_CHIPS, Tensor.O, m.heads() * hd, d, Split.HEAD_ROWS));
        s.add(new Exchange(ExchangeKind.REDUCE_TO_FIRST, Where.ATTENTION_CHIPS, Payload.HIDDEN_ROW));
        s.add(new Residual(Where.FIRST_CHIP));
        s.add(new Norm(Where.FIRST_CHIP, Tensor.FFN_NORM));
        if (m.moe()) {
            s.add(new Product(Where.FIRST_CHIP, Tensor.ROUTER, d, m.experts(), Split.WHOLE));
            s.add(new Route(Where.FIRST_CHIP, m.experts(), m.expertsPerToken()));
        }
        s.add(new Exchange(ExchangeKind.BROADCAST, Where.EVERY_CHIP,
                m.moe() ? Payload.NORMED_ROW_AND_ROUTE : Payload.NORMED_ROW));
        List<LayerStep> expert = new ArrayList<>();
        expert.add(new Product(Where.EVERY_CHIP, Tensor.GATE_UP, d, 2L * m.intermediate(),
                Split.EXPERT_COLUMNS));
        expert.add(new SwiGlu(Where.EVERY_CHIP));
        expert.add(new Product(Where.EVERY_CHIP, Tensor.DOWN, m.intermediate(), d, Split.EXPERT_ROWS));
        if (m.moe()) {
            expert.add(new GateByRoute(Where.EVERY_CHIP));
        }
        s.add(new PerExpert(expert));
        s.add(new Residual(Where.FIRST_CHIP));
        s.add(new Exchange(ExchangeKind.REDUCE_TO_LAST, Where.EVERY_CHIP, Payload.HIDDEN_ROW));
        return new DecoderLayer(m, s);
    }

    /** The layer's weights: every product's matrix (each expert's) and every norm's vector. */
    public long parameters() {
        return parameters(model, steps);
    }

    /** The weights of {@code steps} of {@code m}: every product's matrix (each expert's) and every norm's vector. */
    static long parameters(ModelConfig m, List<LayerStep> steps) {
        return fold(m, steps, 1, (step, times) -> {
            if (step instanceof Norm) {
                return times * m.hidden();
            }
            return step instanceof Product p ? times * p.rows() * p.cols() : 0L;
        });
    }

    /**
     * Bytes of the weight matrices of the products on {@code where} (each expert's), stored as {@code w}: int8
     * matrices carry an fp16 scale per column. Norm weights are not counted: they are kernel constants, in the
     * scratch words every chip keeps for a token's kernels.
     */
    public long weightBytes(Precision w, Where where) {
        return fold(model, steps, 1, (step, times) -> step instanceof Product p && p.where() == where
                ? times * matrixBytes(w, p.rows(), p.cols()) : 0L);
    }

    /** Bytes of a {@code rows x cols} weight matrix stored as {@code w} (int8: plus an fp16 scale per column). */
    public static long matrixBytes(Precision w, long rows, long cols) {
        return rows * cols * w.bytes() + (w == Precision.INT8 ? cols * 2 : 0);
    }

    /**
     * Bytes of the layer's KV caches: for each cache product, every KV head's cache of {@code cachedTokens} tokens
     * for each of {@code batch} sequences, in fp16.
     */
    public long cacheBytes(int cachedTokens, int batch) {
        return fold(model, steps, 1, (step, times) -> step instanceof CacheProduct
                ? (long) model.kvHeads() * model.headDim() * cachedTokens * batch * 2 : 0L);
    }

    /** How a fold sees one step: the step, and how many times the layer holds it (experts for an expert's step). */
    @FunctionalInterface
    interface StepValue {
        long of(LayerStep step, long times);
    }

    private static long fold(ModelConfig model, List<LayerStep> list, long times, StepValue value) {
        long sum = 0;
        for (LayerStep step : list) {
            if (step instanceof PerExpert e) {
                sum += fold(model, e.body(), times * model.experts(), value);
            } else if (step instanceof PerKvHead h) {
                sum += fold(model, h.body(), times, value);
            } else {
                sum += value.of(step, times);
            }
        }
        return sum;
    }
}
