// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.system.Collectives;
import java.util.HashMap;
import java.util.Map;

/**
 * Where a token's time goes, as its steps are placed: compute stages (from a stage's start to its last chip's end),
 * link steps (exchanges and collectives, less the sums their reductions compute, which count as compute), and the
 * first-principles bound (per compute stage, the largest per-chip sum of its kernels' lower bounds; per reduction,
 * its sums' lower bounds). One ledger per token; the collectives' running sums are read as differences, so every
 * token's ledger must see every link step of its own.
 */
final class Ledger {
    private final Collectives collectives;
    private final Map<Integer, Long> stageBound = new HashMap<>();
    private long seenSums;
    private long seenSumBounds;
    private long computeCycles;
    private long linkCycles;
    private long boundCycles;

    /** A ledger that starts from the collectives' sums so far. */
    Ledger(Collectives collectives) {
        this.collectives = collectives;
        this.seenSums = collectives.sumCycles();
        this.seenSumBounds = collectives.sumBound();
    }

    /** A kernel placed on {@code chip} in the current compute stage, with its lower bound. */
    void kernel(int chip, long lowerBoundCycles) {
        stageBound.merge(chip, lowerBoundCycles, Long::sum);
    }

    /** A compute stage from {@code fromCycle} to {@code toCycle}. */
    long computeStage(long fromCycle, long toCycle) {
        computeCycles += toCycle - fromCycle;
        boundCycles += stageBound.values().stream().mapToLong(Long::longValue).max().orElse(0);
        stageBound.clear();
        return toCycle;
    }

    /** A link step from {@code fromCycle} to {@code toCycle}; the sums its reductions placed count as compute. */
    long linkStep(long fromCycle, long toCycle) {
        long sums = collectives.sumCycles() - seenSums;
        long sumBounds = collectives.sumBound() - seenSumBounds;
        seenSums = collectives.sumCycles();
        seenSumBounds = collectives.sumBound();
        linkCycles += toCycle - fromCycle - sums;
        computeCycles += sums;
        boundCycles += sumBounds;
        return toCycle;
    }

    /** The token's account so far. */
    TokenCosts costs() {
        return new TokenCosts(computeCycles, linkCycles, boundCycles);
    }

    /**
     * Where one token's time went.
     *
     * @param computeCycles cycles of compute stages and of the sums of reductions
     * @param linkCycles    cycles of link steps, less their sums
     * @param boundCycles   kernel lower bounds on the critical path (link latencies are added by the caller)
     */
    record TokenCosts(long computeCycles, long linkCycles, long boundCycles) {
    }
}
