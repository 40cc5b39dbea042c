// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.testing;

import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.QueueProgram;

/** Counts of a chip program's instructions, for tests that check which chips take part in a transfer and how. */
public final class Instructions {
    private Instructions() {
    }

    /** How many of {@code p}'s instructions, over all its queues, have opcode {@code op}. */
    public static long count(ChipProgram p, Opcode op) {
        long n = 0;
        for (QueueProgram q : p.queues()) {
            for (int i = 0; i < q.size(); i++) {
                if (q.instruction(i).opcode() == op) {
                    n++;
                }
            }
        }
        return n;
    }
}
