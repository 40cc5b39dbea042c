// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.graph;

import java.util.List;

/**
 * One step of a decoder layer (or of the model's embedding or head), as {@link DecoderLayer} lists them: compute
 * steps, each on some of the layer's chips, and the exchanges between them. Shapes are the whole layer's; how a
 * product splits over chips is its {@link Split}, which a lowering applies to its plan.
 */
public sealed interface LayerStep {

    /**
     * Which chips of a stage a compute step runs on (or an exchange spans). A stage is a layer, the embedding table or
     * the head, each on consecutive chips of the system's chip path.
     */
    enum Where {
        /** The chips attention is split over (by key-value heads): a layer's first few. */
        ATTENTION_CHIPS,
        /** The stage's first chip: where a layer's attention partial sums meet, the head's final norm. */
        FIRST_CHIP,
        /** Every chip of the stage (a layer's feed-forward columns, the head's vocabulary columns). */
        EVERY_CHIP;

        /** Whether chip {@code index} of a layer (or head) is one of these, given its attention chips. */
        public boolean includes(int index, int attentionChips) {
            return switch (this) {
                case ATTENTION_CHIPS -> index < attentionChips;
                case FIRST_CHIP -> index == 0;
                case EVERY_CHIP -> true;
            };
        }
    }

    /** How a product's weights split over the chips of its {@link Where}. */
    enum Split {
        /** Not split: the whole matrix on one chip. */
        WHOLE,
        /** Columns by attention heads (each chip its query heads' and KV heads' columns). */
        HEAD_COLUMNS,
        /** Rows by attention heads (each chip its query heads' rows: partial sums). */
        HEAD_ROWS,
        /** Columns of the experts' concatenated intermediate columns (w1 and w3), evenly. */
        EXPERT_COLUMNS,
        /** The rows matching {@link #EXPERT_COLUMNS} (w2: partial sums). */
        EXPERT_ROWS,
        /** Vocabulary columns, evenly. */
        VOCAB_COLUMNS
    }

    /** What an exchange carries per row of activations. */
    enum Payload {
        /** A token id per row (into the embedding table): an f32 vector, the id in lane 0. */
        TOKEN_ID,
        /** The hidden row, f32: the residual stream, and partial sums on their way to be added. */
        HIDDEN_ROW,
        /**
         * A normed hidden row on its way to products, fp16: the type of their X tiles with fp16 weights, into which it
         * would be converted on arrival anyway (crossing in it halves the bytes and changes no value). With int8
         * weights the products take int8 rows, quantised on the receiving chip (not modelled).
         */
        NORMED_ROW,
        /** A normed row (fp16, as {@link #NORMED_ROW}) and the routing weights (one f32 vector). */
        NORMED_ROW_AND_ROUTE,
        /** The chosen token: an f32 vector, its id in lane 0 (on its way back to the table, a token id). */
        CHOICE
    }

    /** A step that computes on chips. */
    sealed interface Compute extends LayerStep {
        Where where();
    }

    /** RMSNorm with {@code weight}'s hidden values. */
    record Norm(Where where, Tensor weight) implements Compute {
    }

    /**
     * A product with a weight matrix of {@code rows x cols} (the whole layer's; per expert inside {@link PerExpert}),
     * split as {@code split} says; for int8 weights followed by the per-column scaling of its results.
     */
    record Product(Where where, Tensor weight, long rows, long cols, Split split) implements Compute {
    }

    /**
     * The product of a KV head's queries with one of its caches ({@link Tensor#K_CACHE}: the scores; {@link
     * Tensor#V_CACHE}: the weighted sum), over the cached tokens.
     */
    record CacheProduct(Where where, Tensor cache) implements Compute {
    }

    /** Rotary position embedding of the queries and keys. */
    record Rope(Where where) implements Compute {
    }

    /** Softmax of a KV head's query rows over the cached tokens. */
    record Softmax(Where where) implements Compute {
    }

    /** The router's top-k over the experts' logits, with renormalised weights. */
    record Route(Where where, int experts, int topK) implements Compute {
    }

    /** SiLU(gate) x up over a chip's intermediate columns. */
    record SwiGlu(Where where) implements Compute {
    }

    /**
     * An expert's output times its routing weight. Both lowerings gather it: one step after a chip's per-expert
     * blocks that scales each expert's row and adds them (with the experts chosen by data, one after each slot's).
     */
    record GateByRoute(Where where) implements Compute {
    }

    /** The residual: the layer's input (or the attention's result) added. */
    record Residual(Where where) implements Compute {
    }

    /**
     * A token's row of the embedding table, read where its index says: each table chip its own tokens' rows (a row of
     * zeros for a token it does not hold), converted to f32.
     */
    record Lookup(Where where) implements Compute {
    }

    /** The largest logit of a chip's columns. */
    record Argmax(Where where) implements Compute {
    }

    /** {@code body} once per KV head of a chip, in order. */
    record PerKvHead(List<LayerStep> body) implements Compute {
        public PerKvHead {
            body = List.copyOf(body);
        }

        @Override
        public Where where() {
            return Where.ATTENTION_CHIPS;
        }
    }

    /** {@code body} once per expert whose columns a chip holds, in expert order. */
    record PerExpert(List<LayerStep> body) implements Compute {
        public PerExpert {
            body = List.copyOf(body);
        }

        @Override
        public Where where() {
            return Where.EVERY_CHIP;
        }
    }

    /** Data between chips: the kinds a layer needs. */
    enum ExchangeKind {
        /** From the previous stage's last chip to this one's first (nothing when they are one chip). */
        SEND_IN,
        /** From the first chip to every chip of the group. */
        BROADCAST,
        /** Partial sums added along the group into its first chip. */
        REDUCE_TO_FIRST,
        /** Partial sums (or the best choice) combined along the group into its last chip. */
        REDUCE_TO_LAST
    }

    /** An exchange over the chips of {@code group}. */
    record Exchange(ExchangeKind kind, Where group, Payload payload) implements LayerStep {
    }
}
