// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.config.ModelConfig;
import java.util.Arrays;

/**
 * A layer chip's share of its layer's weights in a plan with data ({@link KernelValues}), as the timing-only plan cuts
 * the products ({@link Shard#shape}): with attention over {@code attentionChips} chips, attention chip i holds the Q, K
 * and V columns of its heads (heads i h / a to (i + 1) h / a - 1 and their KV heads, each block in the QKV product's
 * order: its Q columns, then its K, then its V) and the same heads' rows of o_proj; each chip holds the
 * experts' intermediate columns {@link ExpertColumns} gives it, gate and up side by side ([its gate columns | its up
 * columns], as SwiGLU reads them) and the same rows of the down projection. The router is whole on the first chip.
 *
 * @param model          the model
 * @param index          the chip's index in its layer
 * @param chipsPerLayer  the layer's chips
 * @param attentionChips the first of them that do attention
 * @param dispatch       how the experts' columns are split over the chips
 */
record LayerShare(ModelConfig model, int index, int chipsPerLayer, int attentionChips, MoeDispatch dispatch) {
    /** This chip's columns of the QKV product ([hidden x (heads + 2 kvHeads) headDim] row-major). */
    double[] qkv(double[] w) {
        if (attentionChips == 1) {
            return w;
        }
        int hd = model.headDim();
        int q = model.heads() / attentionChips;
        int kv = model.kvHeads() / attentionChips;
        int n = (model.heads() + 2 * model.kvHeads()) * hd;
        int[] cols = new int[(q + 2 * kv) * hd];
        int j = 0;
        for (int c = 0; c < q * hd; c++) {
            cols[j++] = index * q * hd + c;
        }
        for (int block = 0; block < 2; block++) {
            int base = (model.heads() + block * model.kvHeads()) * hd + index * kv * hd;
            for (int c = 0; c < kv * hd; c++) {
                cols[j++] = base + c;
            }
        }
        return columns(w, n, cols);
    }

    /** This chip's rows of o_proj ([heads headDim x hidden] row-major): its heads'. */
    double[] output(double[] w) {
        if (attentionChips == 1) {
            return w;
        }
        int rows = model.heads() * model.headDim() / attentionChips;
        return Arrays.copyOfRange(w, index * rows * model.hidden(), (index + 1) * rows * model.hidden());
    }

    /** This chip's columns of expert {@code e}'s gate and up ([hidden x 2 intermediate], gate first). */
    double[] gateUp(double[] w, int e) {
        if (chipsPerLayer == 1) {
            return w;
        }
        int inter = model.intermediate();
        int from = firstColumn(e);
        int count = columns(e);
        int[] cols = new int[2 * count];
        for (int c = 0; c < count; c++) {
            cols[c] = from + c;
            cols[count + c] = inter + from + c;
        }
        return columns(w, 2 * inter, cols);
    }

    /** This chip's rows of expert {@code e}'s down projection ([intermediate x hidden]). */
    double[] down(double[] w, int e) {
        if (chipsPerLayer == 1) {
            return w;
        }
        int from = firstColumn(e);
        return Arrays.copyOfRange(w, from * model.hidden(), (from + columns(e)) * model.hidden());
    }

    /** The first of expert {@code e}'s intermediate columns this chip holds. */
    private int firstColumn(int e) {
        int inter = model.intermediate();
        if (dispatch == MoeDispatch.CHOSEN) {
            return index * ((inter + chipsPerLayer - 1) / chipsPerLayer);
        }
        long all = (long) model.experts() * inter;
        long lo = index * ((all + chipsPerLayer - 1) / chipsPerLayer);
        return (int) (Math.max(lo, (long) e * inter) - (long) e * inter);
    }

    /** How many of expert {@code e}'s intermediate columns this chip holds. */
    private int columns(int e) {
        for (ExpertColumns p : ExpertColumns.of(model, chipsPerLayer, index, dispatch)) {
            if (p.chosenByData() || p.expert() == e) {
                return p.columns();
            }
        }
        throw new IllegalArgumentException("layer chip " + index + " holds none of expert " + e + "'s columns");
    }

    /** Columns {@code cols} of a row-major matrix of {@code n} columns, in that order. */
    private static double[] columns(double[] w, int n, int[] cols) {
        int k = w.length / n;
        double[] out = new double[k * cols.length];
        for (int r = 0; r < k; r++) {
            for (int j = 0; j < cols.length; j++) {
                out[r * cols.length + j] = w[r * n + cols[j]];
            }
        }
        return out;
    }
}
