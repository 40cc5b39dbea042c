// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.config.Precision;
import dev.lockstep.isa.program.DataBlock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The weights a plan's own kernels are compiled with for a run with data: the timing-only lowering
 * ({@link TimingLowering}) with values, so that the run with data places the very kernels, instructions and SRAM of
 * the timing-only run, and only what SRAM holds differs (the weights, the norms' gains, the token's rows). So far a
 * plan with data has each layer on one chip or on several of one node (each chip holding its share of the layer's
 * weights, {@link LayerShare}), one embedding chip of its own, the head on one chip, fp16 weights and one sequence: a
 * decode step's row is carried into each stage over a link (from the table's chip, the row its lookup read; from each
 * layer's last chip, its output), the rows of a layer's broadcasts and reductions among its chips
 * ({@link RowsAmongChips}), and the head's choice back to the table's chip; a layer over several nodes, whose
 * broadcasts and reductions carry no rows, is refused ({@link TimingLowering}). A token's index is given (a prompt's:
 * placed on the table's chip in a row of the token's position) or the choice of the token before it, where it
 * landed; the head computes with its weights where given (on one chip), else on zeros.
 *
 * @param layers each layer's weights
 * @param table  the embedding table, vocab x hidden values, row-major (token t's row from t x hidden)
 * @param head   the head's weights, if it computes with them
 */
public record PlanData(List<LayerWeights> layers, double[] table, Optional<Head> head) {
    public PlanData {
        layers = List.copyOf(layers);
        table = table.clone();
        Objects.requireNonNull(head);
    }

    /** Each layer's weights and the table; the head computes on zeros. */
    public PlanData(List<LayerWeights> layers, double[] table) {
        this(layers, table, Optional.empty());
    }

    @Override
    public double[] table() {
        return table.clone();
    }

    /** The initial SRAM contents that put the table's rows where {@code layout} says (no copy of the table made). */
    List<DataBlock> tableData(TableLayout layout, int vectorBytes) {
        return layout.data(table, vectorBytes);
    }

    /**
     * The head's weights: the final norm's gains and the LM head, [hidden x vocab] row-major (y = x . W).
     *
     * @param finalNorm the final norm's gains, hidden values
     * @param lmHead    the LM head, hidden x vocab values
     */
    public record Head(double[] finalNorm, double[] lmHead) {
        public Head {
            finalNorm = finalNorm.clone();
            lmHead = lmHead.clone();
        }
    }

    /**
     * Checks a token of model {@code m} placed at {@code position} after one at {@code last} (-1: none), {@code given}
     * or else the choice of the token before: positions increase, and a token not given follows one at the position
     * before, through a head with weights.
     */
    void checkToken(ModelConfig m, int position, int last, OptionalInt given) {
        if (position <= last) {
            throw new IllegalArgumentException("a plan with data places its tokens at increasing positions; got "
                    + position + " after " + last);
        }
        if (given.isEmpty() && (position != last + 1 || head.isEmpty())) {
            throw new IllegalArgumentException("a token that is not given is the choice of the token before it: it "
                    + "follows a token placed at the position before, through a head with weights");
        }
        if (given.isPresent() && (given.getAsInt() < 0 || given.getAsInt() >= m.vocab())) {
            throw new IllegalArgumentException("token " + given.getAsInt() + " is outside the vocabulary 0.."
                    + (m.vocab() - 1));
        }
    }

    /** Checks that {@code plan} is one a run with data can lower so far; the message says what is not. */
    void check(DecodePlan plan) {
        if (layers.size() != plan.model().layers()) {
            throw new IllegalArgumentException(layers.size() + " layers' weights given; the model has "
                    + plan.model().layers());
        }
        layers.forEach(l -> l.check(plan.model()));
        ModelConfig m = plan.model();
        if (m.kvHeads() % plan.attentionChips() != 0 || m.heads() % plan.attentionChips() != 0) {
            throw new IllegalArgumentException("attention over " + plan.attentionChips() + " chips splits "
                    + m.heads() + " heads and " + m.kvHeads() + " KV heads unevenly");
        }
        for (int i = 0; i < plan.chipsPerLayer(); i++) {
            if (ExpertColumns.of(m, plan.chipsPerLayer(), i, plan.dispatch()).isEmpty()) {
                throw new IllegalArgumentException("layer chip " + i + " of " + plan.chipsPerLayer() + " holds none "
                        + "of the experts' columns; give fewer chips per layer");
            }
        }
        if (plan.embeddingChips() != 1) {
            throw new IllegalArgumentException("a plan with data has one embedding chip of its own so far (a table "
                    + "over several chips sums their rows by a reduction, which does not carry rows yet; a table tied "
                    + "to the LM head is its weights, not laid out as rows); this one has " + plan.embeddingChips()
                    + (plan.embeddingChips() == 0 ? " (tied)" : ""));
        }
        if (table.length != (long) plan.model().vocab() * plan.model().hidden()) {
            throw new IllegalArgumentException("the embedding table needs vocab x hidden values; got " + table.length);
        }
        head.ifPresent(h -> {
            if (h.finalNorm().length != plan.model().hidden()
                    || h.lmHead().length != (long) plan.model().hidden() * plan.model().vocab()) {
                throw new IllegalArgumentException("the head's weights need hidden gains and hidden x vocab values");
            }
            if (plan.headChips() != 1) {
                throw new IllegalArgumentException("a plan with data computes the head on one chip so far (the normed "
                        + "row's broadcast to the head's chips is not carried yet); this one has " + plan.headChips());
            }
        });
        if (plan.batch() != 1) {
            throw new IllegalArgumentException("a plan with data runs one sequence so far; this one has "
                    + plan.batch());
        }
        if (plan.weights() != Precision.FP16) {
            throw new IllegalArgumentException("a plan with data takes fp16 weights so far; got "
                    + plan.weights().name().toLowerCase(Locale.ROOT));
        }
    }
}
