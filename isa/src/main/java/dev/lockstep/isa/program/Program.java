// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.program;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A whole program: per chip, per queue, the instructions and the exact cycle each issues at, plus initial
 * SRAM contents, regions, constants and lane maps. Immutable, with a canonical order everywhere, so that two
 * equal programs encode to the same bytes. Whether it is legal on a chip is checked by
 * {@link ProgramRules#check(Program, dev.lockstep.isa.chip.ChipSpec)}.
 *
 * @param chipName    the chip description it was written for
 * @param vectorBytes that chip's vector length, which sizes every data word
 * @param constants   named constants in declaration order
 * @param maps        lane maps; {@code permute}'s map operand indexes this list
 * @param chips       per-chip programs, sorted by chip id, ids unique
 */
public record Program(String chipName, int vectorBytes, List<Constant> constants, List<LaneMap> maps,
                      List<ChipProgram> chips) {
    public Program {
        constants = List.copyOf(constants);
        maps = List.copyOf(maps);
        chips = chips.stream().sorted(Comparator.comparingInt(ChipProgram::chipId)).toList();
        for (int i = 1; i < chips.size(); i++) {
            if (chips.get(i).chipId() == chips.get(i - 1).chipId()) {
                throw new IllegalArgumentException("chip " + chips.get(i).chipId() + " appears twice");
            }
        }
    }

    public Optional<ChipProgram> chip(int chipId) {
        return chips.stream().filter(c -> c.chipId() == chipId).findFirst();
    }

    /** Instructions on all chips and queues. */
    public long instructionCount() {
        return chips.stream().mapToLong(ChipProgram::instructionCount).sum();
    }

    /** Instructions stored on all chips and queues (each repeated block once). */
    public long storedCount() {
        return chips.stream().mapToLong(ChipProgram::storedCount).sum();
    }

    /** The same program with every instruction stored: what a simulation that reads each one as stored takes. */
    public Program expanded() {
        return new Program(chipName, vectorBytes, constants, maps, chips.stream().map(ChipProgram::expanded).toList());
    }
}
