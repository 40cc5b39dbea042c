// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import dev.lockstep.isa.IsaReference;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lockstep isa}: the ISA table as the docs print it. */
@Command(name = "isa", mixinStandardHelpOptions = true,
        description = "Print the instruction set table (Markdown), generated from the one table in the code.")
final class IsaCommand implements Callable<Integer> {
    @Option(names = "--timing", description = "Print the timing parameters (names, defaults, reasons) instead.")
    boolean timing;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(timing ? IsaReference.timingMarkdown() : IsaReference.opcodesMarkdown());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
