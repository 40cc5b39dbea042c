// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.model.LayerWeights;
import dev.lockstep.isa.Fp16;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-Java decoder layer (Mixtral's: RMSNorm, grouped-query attention with rotate-half RoPE and a KV cache,
 * RMSNorm, top-k routed SwiGLU experts), written from the model's definition and not from the compiler. It works
 * in double, and rounds to fp16 exactly where the chip stores fp16: the inputs of every matrix product (weights,
 * activations) and the K and V caches. The compiler's layer tests and the command line's functional-run tests
 * compare the chips with it.
 */
public final class ReferenceLayer {
    private final int d;
    private final int heads;
    private final int kvHeads;
    private final int hd;
    private final int inter;
    private final int experts;
    private final int topK;
    private final double theta;
    private final double eps;
    private final double[] attnNorm;
    private final double[] qkv;
    private final double[] wo;
    private final double[] ffnNorm;
    private final double[] router;
    private final double[][] gateUp;
    private final double[][] down;
    /** Per KV head, per position: the cached (roped) K and V rows. */
    private final List<List<double[]>> keys = new ArrayList<>();
    private final List<List<double[]>> values = new ArrayList<>();
    /** The experts the last token was routed to, in the order chosen. */
    private int[] lastChoice;

    /**
     * A layer of hidden size {@code d} with the given weights, each matrix [K x N] row-major (y = x . W):
     * {@code qkv} [d x (heads + 2 kvHeads) head size], {@code wo} [d x d], {@code router} [d x experts] (unused for
     * one expert), per expert {@code gateUp} [d x 2 inter] (gate columns first) and {@code down} [inter x d].
     */
    public ReferenceLayer(int d, int heads, int kvHeads, int inter, int experts, int topK, double theta,
                          double eps, double[] attnNorm, double[] qkv, double[] wo, double[] ffnNorm, double[] router,
                          double[][] gateUp, double[][] down) {
        this.d = d;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.hd = d / heads;
        this.inter = inter;
        this.experts = experts;
        this.topK = topK;
        this.theta = theta;
        this.eps = eps;
        this.attnNorm = attnNorm;
        this.qkv = qkv;
        this.wo = wo;
        this.ffnNorm = ffnNorm;
        this.router = router;
        this.gateUp = gateUp;
        this.down = down;
        for (int g = 0; g < kvHeads; g++) {
            keys.add(new ArrayList<>());
            values.add(new ArrayList<>());
        }
    }

    /**
     * Allowed difference, as a share of the largest magnitude in the token's output row. Both sides round the same
     * values to fp16 (every product's inputs, the caches); the rest differs only by f32 against double arithmetic,
     * which can move a product input across an fp16 rounding boundary, one fp16 step being 2^-11 (4.9e-4) of it.
     * The output values are sums of terms (residual, attention, experts) as large as the row's largest value, so
     * the error is measured against that, not against the value itself (which may be a small difference of large
     * terms). The worst seen in the compiler's layer tests is 2.4e-4.
     */
    public static final double TOLERANCE = 1e-3;

    /** The plain-Java layer of {@code m} with weights {@code w}. */
    public static ReferenceLayer of(ModelConfig m, LayerWeights w) {
        return new ReferenceLayer(m.hidden(), m.heads(), m.kvHeads(), m.intermediate(), m.experts(),
                m.expertsPerToken(), m.ropeTheta(), m.rmsNormEps(), w.attentionNorm(), w.qkv(), w.output(),
                w.ffnNorm(), w.router(), w.gateUp(), w.down());
    }

    /** Every value of a chip's output row within {@link #TOLERANCE} of the reference's largest magnitude. */
    public static void assertNear(double[] got, double[] want, String what) {
        double scale = 0;
        for (double v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < want.length; i++) {
            assertThat(Math.abs(got[i] - want[i]) / scale)
                    .as("%s, value %d: chip %s, reference %s", what, i, got[i], want[i]).isLessThan(TOLERANCE);
        }
    }

    /** {@code v} rounded to fp16, as the chip stores it. */
    public static double fp16(double v) {
        return Fp16.toFloat(Fp16.fromDouble(v));
    }

    /** y = fp16(x) . fp16(W), W [x.length x n] row-major. */
    public static double[] product(double[] x, double[] w, int n) {
        double[] y = new double[n];
        for (int k = 0; k < x.length; k++) {
            double xk = fp16(x[k]);
            for (int j = 0; j < n; j++) {
                y[j] += xk * fp16(w[k * n + j]);
            }
        }
        return y;
    }

    /** RMSNorm of {@code x} with gains {@code gamma} and this layer's epsilon. */
    public double[] rmsNorm(double[] x, double[] gamma) {
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double r = 1 / Math.sqrt(ss / x.length + eps);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] * r * gamma[i];
        }
        return y;
    }

    /** Rotate-half RoPE of one head's vector at {@code position}. */
    private double[] rope(double[] v, int position) {
        int half = hd / 2;
        double[] out = new double[hd];
        for (int i = 0; i < half; i++) {
            double angle = position / Math.pow(theta, 2.0 * i / hd);
            double c = Math.cos(angle);
            double s = Math.sin(angle);
            out[i] = v[i] * c - v[i + half] * s;
            out[i + half] = v[i + half] * c + v[i] * s;
        }
        return out;
    }

    private static double[] softmax(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] e = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            e[i] = Math.exp(x[i] - max);
            sum += e[i];
        }
        for (int i = 0; i < x.length; i++) {
            e[i] /= sum;
        }
        return e;
    }

    /**
     * Fills the caches with zero K and V rows up to {@code position} (what a chip's caches hold at positions no
     * token was run at), so that the next token is at that position.
     */
    public void skipTo(int position) {
        for (int g = 0; g < kvHeads; g++) {
            while (keys.get(g).size() < position) {
                keys.get(g).add(new double[hd]);
                values.get(g).add(new double[hd]);
            }
        }
    }

    /** The layer for the next token (its position is the number of tokens seen before). */
    public double[] step(double[] x) {
        int position = keys.get(0).size();
        double[] xn = rmsNorm(x, attnNorm);
        double[] all = product(xn, qkv, (heads + 2 * kvHeads) * hd);
        int q = heads / kvHeads;
        for (int g = 0; g < kvHeads; g++) {
            double[] k = rope(java.util.Arrays.copyOfRange(all, (heads + g) * hd, (heads + g + 1) * hd), position);
            double[] v = java.util.Arrays.copyOfRange(all, (heads + kvHeads + g) * hd, (heads + kvHeads + g + 1) * hd);
            for (int i = 0; i < hd; i++) {
                k[i] = fp16(k[i]);
                v[i] = fp16(v[i]);
            }
            keys.get(g).add(k);
            values.get(g).add(v);
        }
        double[] attn = new double[heads * hd];
        for (int h = 0; h < heads; h++) {
            int g = h / q;
            double[] qh = rope(java.util.Arrays.copyOfRange(all, h * hd, (h + 1) * hd), position);
            double[] scores = new double[position + 1];
            for (int p = 0; p <= position; p++) {
                double s = 0;
                for (int i = 0; i < hd; i++) {
                    s += fp16(qh[i]) * keys.get(g).get(p)[i];
                }
                scores[p] = s / Math.sqrt(hd);
            }
            double[] probs = softmax(scores);
            for (int p = 0; p <= position; p++) {
                double pp = fp16(probs[p]);
                for (int i = 0; i < hd; i++) {
                    attn[h * hd + i] += pp * values.get(g).get(p)[i];
                }
            }
        }
        double[] o = product(attn, wo, d);
        double[] h = new double[d];
        for (int i = 0; i < d; i++) {
            h[i] = x[i] + o[i];
        }
        double[] hn = rmsNorm(h, ffnNorm);
        double[] weights = new double[experts];
        if (experts == 1) {
            weights[0] = 1;
            lastChoice = new int[] {0};
        } else {
            double[] probs = softmax(product(hn, router, experts));
            boolean[] taken = new boolean[experts];
            lastChoice = new int[topK];
            double total = 0;
            for (int c = 0; c < topK; c++) {
                int best = -1;
                for (int e = 0; e < experts; e++) {
                    if (!taken[e] && (best < 0 || probs[e] > probs[best])) {
                        best = e;
                    }
                }
                taken[best] = true;
                lastChoice[c] = best;
                total += probs[best];
            }
            for (int e : lastChoice) {
                weights[e] = probs[e] / total;
            }
        }
        double[] out = h.clone();
        for (int e = 0; e < experts; e++) {
            if (weights[e] == 0) {
                continue;
            }
            double[] gu = product(hn, gateUp[e], 2 * inter);
            double[] act = new double[inter];
            for (int i = 0; i < inter; i++) {
                double gate = gu[i];
                act[i] = gate / (1 + Math.exp(-gate)) * gu[inter + i];
            }
            double[] y = product(act, down[e], d);
            for (int i = 0; i < d; i++) {
                out[i] += weights[e] * y[i];
            }
        }
        return out;
    }

    /** The experts the last token was routed to, in the order chosen (expert 0 alone for a dense layer). */
    public int[] lastChoice() {
        return lastChoice.clone();
    }
}
