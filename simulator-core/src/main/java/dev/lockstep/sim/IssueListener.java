// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.chip.Queue;

/** Told of every instruction a queue executes, in issue order (for timelines). */
@FunctionalInterface
public interface IssueListener {
    /**
     * @param occupancy cycles the instruction holds its resource
     * @param resource  the resource instance it holds ("the read path of mem.w3"), or null
     */
    void issued(int chip, Queue queue, long cycle, Instruction instruction, long occupancy, String resource);
}
