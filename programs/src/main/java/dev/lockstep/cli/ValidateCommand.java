// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import dev.lockstep.validate.Row;
import dev.lockstep.validate.Setup;
import dev.lockstep.validate.Validation;
import dev.lockstep.validate.ValidationDoc;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lockstep validate}: parses the options, computes the rows ({@link Validation}) and renders them
 * ({@link ValidationRenderer}, or docs/validation.md with {@code --markdown}). A row the model cannot compute for
 * the chip given is shown as "not computable" with the reason; the exit code is still 0.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Compute every published chip, system and end-to-end figure the model can be compared with "
                + "(compiled and simulated where it is a timing figure) and print a table: figure, published value, "
                + "source, simulated value, ratio, band, result (within or MISS), kind (input, definitional or held "
                + "out: only held-out rows validate) and a note. Progress on stderr. docs/validation.md explains it.")
final class ValidateCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print only a JSON object with the same rows on stdout.")
    boolean json;

    @Option(names = "--markdown", description = "Print docs/validation.md (its generator).")
    boolean markdown;

    @Option(names = "--threads", paramLabel = "N", description = "Simulation threads of the end-to-end runs "
            + "(default: the cores). The results do not depend on it.")
    Integer threads;

    @Mixin
    ParamOptions params;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (json && markdown) {
            throw new OutputException("--json and --markdown: give one of them", null);
        }
        int t = OptionRange.threads(threads);
        Setup setup = Setup.of(params.system(), params.chip(), t);
        List<Row> rows = Validation.run(setup, Validation.Scope.ALL, line -> {
            err.println("lockstep validate: " + line);
            err.flush();
        });
        if (json) {
            out.print(Outputs.text(ValidationRenderer.json(rows, setup.changes())));
        } else if (markdown) {
            out.print(ValidationDoc.markdown(rows));
        } else {
            ValidationRenderer.text(rows, setup.changes(), out);
        }
        out.flush();
        return 0;
    }
}
