// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import dev.lockstep.isa.chip.Queue;
import dev.lockstep.isa.chip.SliceKind;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lockstep chip [PRESET|FILE]}: a chip description, resolved. */
@Command(name = "chip", mixinStandardHelpOptions = true,
        description = "Print a chip description with every parameter resolved, as JSON you can copy, edit and "
                + "pass back with --chip FILE; or, with --queues, its instruction queues.")
final class ChipCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "PRESET|FILE", defaultValue = "tsp-v1",
            description = "A preset (tsp-v1) or a JSON file. Default: ${DEFAULT-VALUE}.")
    String chip;

    @Option(names = "--queues",
            description = "List the instruction queues (id, name, slice position, units) instead.")
    boolean queues;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ChipSpec c = ChipSpecs.presetOrFile(chip);
        PrintWriter out = spec.commandLine().getOut();
        if (queues) {
            out.printf("%-5s %-12s %-9s %s%n", "id", "name", "position", "units");
            for (Queue q : c.floorplan().queues()) {
                out.printf("%-5d %-12s %-9d %s%n", q.id(), q.name(), q.slice().position(),
                        q.units().stream().sorted().map(Enum::name).toList());
            }
            out.printf("%d queues; %d MEM slices of %d words x %d bytes = %d bytes of SRAM%n",
                    c.floorplan().queues().size(), c.floorplan().slicesOf(SliceKind.MEM).size(),
                    c.mem().wordsPerSlice(), c.vectorBytes(), c.sramBytes());
        } else {
            out.print(ChipSpecs.toJson(c));
        }
        out.flush();
        return 0;
    }
}
