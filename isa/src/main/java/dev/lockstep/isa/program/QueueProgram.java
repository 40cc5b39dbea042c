// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.program;

import dev.lockstep.isa.Instruction;
import java.util.Arrays;

/**
 * The instructions of one queue with the exact cycle each issues at, as two parallel arrays (compact: a queue
 * of a compiled model holds millions). Immutable; cycles strictly increase. Whether the timing is legal on a
 * chip is checked by {@link ProgramRules}.
 */
public final class QueueProgram {
    private final int queueId;
    private final long[] cycles;
    private final long[] words;
    /** Decoded instructions, made on first use (most queues of a deduplicated system are never decoded). */
    private Instruction[] instructions;

    public QueueProgram(int queueId, long[] cycles, long[] words) {
        if (cycles.length != words.length) {
            throw new IllegalArgumentException("cycles and words differ in length");
        }
        this.queueId = queueId;
        this.cycles = cycles.clone();
        this.words = words.clone();
        ValidWords.check(this.words);
    }

    public int queueId() {
        return queueId;
    }

    public int size() {
        return cycles.length;
    }

    public long cycle(int index) {
        return cycles[index];
    }

    public long word(int index) {
        return words[index];
    }

    public Instruction instruction(int index) {
        Instruction[] cache = instructions;
        if (cache == null) {
            cache = new Instruction[words.length];
            instructions = cache;
        }
        Instruction ins = cache[index];
        if (ins == null) {
            ins = Instruction.decode(words[index]);
            cache[index] = ins;
        }
        return ins;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QueueProgram q && q.queueId == queueId && Arrays.equals(q.cycles, cycles)
                && Arrays.equals(q.words, words);
    }

    @Override
    public int hashCode() {
        return (queueId * 31 + Arrays.hashCode(cycles)) * 31 + Arrays.hashCode(words);
    }
}
