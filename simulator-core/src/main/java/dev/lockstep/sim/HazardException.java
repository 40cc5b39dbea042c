// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

/**
 * A schedule the hardware could not run. Names the chip, cycle, queue and instruction (by its index on the queue
 * and its text) and says what was wrong and what was expected.
 */
public final class HazardException extends RuntimeException {
    private final HazardKind kind;
    private final int chip;
    private final long cycle;
    private final String queue;
    private final int queueId;
    private final int instructionIndex;
    private final String instruction;
    private final String detail;

    public HazardException(HazardKind kind, int chip, long cycle, String queue, int queueId, int instructionIndex,
                           String instruction, String detail) {
        super("chip " + chip + ", cycle " + cycle + ", queue " + queue + ", instruction " + instructionIndex + " ("
                + instruction + "): " + detail);
        this.kind = kind;
        this.chip = chip;
        this.cycle = cycle;
        this.queue = queue;
        this.queueId = queueId;
        this.instructionIndex = instructionIndex;
        this.instruction = instruction;
        this.detail = detail;
    }

    public HazardKind kind() {
        return kind;
    }

    public int chip() {
        return chip;
    }

    public long cycle() {
        return cycle;
    }

    public String queue() {
        return queue;
    }

    public int queueId() {
        return queueId;
    }

    /** Index of the instruction on its queue in the program (a repeat's re-issues name the repeat). */
    public int instructionIndex() {
        return instructionIndex;
    }

    public String instruction() {
        return instruction;
    }

    public String detail() {
        return detail;
    }
}
