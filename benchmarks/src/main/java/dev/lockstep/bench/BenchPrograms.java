// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.bench;

import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.Streams;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.Queue;
import dev.lockstep.isa.chip.SliceKind;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.program.QueueProgram;
import java.util.ArrayList;
import java.util.List;

/** Programs the benchmarks share. */
final class BenchPrograms {
    private BenchPrograms() {
    }

    /** Every MEM slice issues a one-word read every cycle for {@code cycles} cycles, onto eastward streams. */
    static Program memReads(ChipSpec chip, int cycles) {
        List<QueueProgram> queues = new ArrayList<>();
        for (Queue q : chip.floorplan().queues()) {
            if (q.slice().kind() != SliceKind.MEM) {
                continue;
            }
            long[] at = new long[cycles];
            long[] words = new long[cycles];
            for (int c = 0; c < cycles; c++) {
                at[c] = c;
                words[c] = Instruction.of(Opcode.READ, Streams.east(c % 32), c % chip.mem().wordsPerSlice(), 1, 1)
                        .word();
            }
            queues.add(new QueueProgram(q.id(), at, words));
        }
        return new Program(chip.name(), chip.vectorBytes(), List.of(), List.of(),
                List.of(new ChipProgram(0, queues, List.of(), List.of())));
    }
}
