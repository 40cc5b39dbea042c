// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import dev.lockstep.isa.asm.Assembler;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import dev.lockstep.isa.program.Program;

/** Test helpers: assemble and simulate small programs on tsp-v1. */
final class Programs {
    static final ChipSpec TSP = ChipSpecs.tspV1();

    private Programs() {
    }

    static Program asm(String text) {
        return new Assembler(TSP).assemble("test.lsa", text, null);
    }

    static SimResult functional(String text) {
        return Simulator.run(TSP, asm(text), SimOptions.functional());
    }

    static SimResult timing(String text) {
        return Simulator.run(TSP, asm(text), SimOptions.timingOnly());
    }

    /** Position of a slice by name. */
    static int pos(String slice) {
        return TSP.floorplan().slice(slice).orElseThrow().position();
    }
}
