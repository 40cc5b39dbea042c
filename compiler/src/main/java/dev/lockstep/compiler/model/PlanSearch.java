// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.config.Precision;
import dev.lockstep.isa.system.SystemSpec;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The plan a run uses on a given number of chips: {@link DecodePlan#forChips} with layers on whole nodes where that
 * packs, else without the rounding. The planner counts bytes; whether whole tiles pack into slices is only known by
 * compiling the weights and caches ({@link DecodeBuilder#checkPacking}), which this search does when the two plans
 * differ.
 */
public final class PlanSearch {
    private PlanSearch() {
    }

    /**
     * What the search found.
     *
     * @param plan     the plan to run
     * @param minimal  the plan with the fewest chips that holds the model
     * @param fallback why the node-rounded plan was left for {@code plan}, if it was
     */
    public record Found(DecodePlan plan, DecodePlan minimal, Optional<String> fallback) {
    }

    /**
     * The plan for the first {@code chips} chips of {@code system}.
     *
     * @throws DecodePlan.TooFewChips   if the model needs more chips
     * @throws DecodePlan.NoPlanFits    if no number of chips holds it (e.g. one KV head's caches exceed a chip)
     */
    public static Found forChips(ModelConfig m, Precision w, int batch, int context, SystemSpec system, int chips) {
        return forChips(m, w, batch, context, system, chips, MoeDispatch.ALL);
    }

    /**
     * The fewest chips, at most {@code most}, on which {@code m}'s plan packs into every chip's slices (the plan's
     * byte count can hold a model whose tiles then do not pack, the KV caches of several sequences most often): from
     * the fewest by bytes, a chip more per layer at a time. Empty if none up to {@code most} does.
     *
     * @throws DecodePlan.NoPlanFits     if no number of chips holds it
     * @throws CompileException.NoChipPath if the system gives no chip path to lay a model along
     */
    public static OptionalInt fewestThatPack(ModelConfig m, Precision w, int batch, int context, SystemSpec system,
                                             int most) {
        int fewest = DecodePlan.minimal(m, w, batch, context, system.chip()).chips();
        for (int chips = fewest; chips <= most; chips += m.layers()) {
            try {
                DecodeBuilder.checkPacking(forChips(m, w, batch, context, system, chips).plan(), system);
                return OptionalInt.of(chips);
            } catch (CompileException.NoChipPath e) {
                throw e;
            } catch (CompileException e) {
                // a chip more per layer
            }
        }
        return OptionalInt.empty();
    }

    /**
     * The most sequences in flight, at most {@code most}, whose plan on {@code chips} chips holds the model by bytes
     * and packs into every chip's slices (weights and every sequence's KV caches): found by bisection, taking that
     * fewer sequences never need more room. Empty if not even one fits.
     *
     * @throws CompileException.NoChipPath if the system gives no chip path to lay a model along
     */
    public static OptionalInt largestBatch(ModelConfig m, Precision w, int context, SystemSpec system, int chips,
                                           MoeDispatch dispatch, int most) {
        int lo = 0;
        int hi = most + 1;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (fits(m, w, mid, context, system, chips, dispatch)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo == 0 ? OptionalInt.empty() : OptionalInt.of(lo);
    }

    private static boolean fits(ModelConfig m, Precision w, int batch, int context, SystemSpec system, int chips,
                                MoeDispatch dispatch) {
        try {
            DecodeBuilder.checkPacking(forChips(m, w, batch, context, system, chips, dispatch).plan(), system);
            return true;
        } catch (CompileException.NoChipPath e) {
            throw e;
        } catch (DecodePlan.TooFewChips | DecodePlan.NoPlanFits | CompileException e) {
            return false;
        }
    }

    /** As above, with MoE layers laid out for {@code dispatch} (which the packing check compiles). */
    public static Found forChips(ModelConfig m, Precision w, int batch, int context, SystemSpec system, int chips,
                                 MoeDispatch dispatch) {
        DecodePlan aligned = DecodePlan.forChips(m, w, batch, context, system.chip(), chips, system.chipsPerNode())
                .withDispatch(dispatch);
        DecodePlan minimal = DecodePlan.minimal(m, w, batch, context, system.chip()).withDispatch(dispatch);
        DecodePlan unaligned = DecodePlan.forChips(m, w, batch, context, system.chip(), chips, system.chipsPerNode(),
                false).withDispatch(dispatch);
        if (unaligned.chipsPerLayer() == aligned.chipsPerLayer()) {
            return new Found(aligned, minimal, Optional.empty());
        }
        try {
            DecodeBuilder.checkPacking(aligned, system);
            return new Found(aligned, minimal, Optional.empty());
        } catch (CompileException.NoChipPath e) {
            throw e;
        } catch (CompileException e) {
            // layers on whole nodes hold more on each chip; if that does not pack, spread them over more chips
            return new Found(unaligned, minimal, Optional.of("with " + aligned.chipsPerLayer() + " chips per layer "
                    + "(whole nodes) " + e.getMessage() + "; trying " + unaligned.chipsPerLayer()
                    + " chips per layer"));
        }
    }
}
