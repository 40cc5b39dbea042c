// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler;

/**
 * Scheduler choices that can be switched off, to see what each one buys (the benchmarks and
 * {@code lockstep compile --no-...} compare them).
 *
 * @param overlapWeightLoads let a piece's LW load weights while the array still works on the previous piece (else
 *                           LW waits until the previous piece's activations have all gone in)
 * @param splitLeftoverTiles split the N tiles that do not divide evenly among the units by rows
 * @param chainResults       let a vector op take a computed input straight off its stream when the timing allows
 *                           (else every input comes back from SRAM)
 */
public record ScheduleOptions(boolean overlapWeightLoads, boolean splitLeftoverTiles, boolean chainResults) {
    /** Everything on: the default. */
    public static final ScheduleOptions DEFAULT = new ScheduleOptions(true, true, true);
}
