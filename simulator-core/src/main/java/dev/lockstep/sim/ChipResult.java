// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import dev.lockstep.isa.program.RegionWatch;
import java.util.Map;

/**
 * What one chip's run produced.
 *
 * @param firstIssue       the cycle of the chip's first instruction
 * @param cycles           cycles from 0 to the last event or the last cycle a resource is held, inclusive
 * @param issues           instructions executed (repeats expanded)
 * @param simulatedIssues  of those, the ones the simulation ran event by event (the others were in periods that
 *                         {@link RepeatSkip} skipped)
 * @param simulatedCycles  cycles of the chip's timeline, from its first issue to its end, that the simulation went
 *                         through event by event (the periods skipped left out)
 * @param traceHash        the {@link TraceHash} of this chip's issue events
 * @param busyByResource   busy cycles per {@link dev.lockstep.isa.Resource} ordinal, summed over instances
 * @param activity         per {@link Activity} ordinal, the work counted
 * @param issuedByQueue    instructions executed per queue id
 * @param busyByQueue      per queue id, the cycles in which its instructions hold a resource (each counted once)
 * @param sramWordsInUse   words holding data at the end (initialised or written)
 * @param sram             final SRAM contents in functional mode, else null
 * @param watched          the values of each region watched on this chip ({@link SimOptions#watches}), looked up
 *                         by watch, never iterated (its order is not fixed)
 */
record ChipResult(int chip, long firstIssue, long cycles, long issues, long simulatedIssues, long simulatedCycles,
                  long traceHash,
                  long[] busyByResource, long[] activity, long[] issuedByQueue, long[] busyByQueue, long sramWordsInUse,
                  Sram sram, Map<RegionWatch, double[]> watched) {
    /**
     * The same result for another chip that ran the identical program {@code shift} cycles later (timing-only
     * deduplication): every event moves by the shift, nothing else changes.
     */
    ChipResult shifted(int id, long shift) {
        return new ChipResult(id, firstIssue + shift, cycles + shift, issues, simulatedIssues, simulatedCycles,
                traceHash, busyByResource, activity, issuedByQueue, busyByQueue, sramWordsInUse, sram,
                watched);
    }
}
