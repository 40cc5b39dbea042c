// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import dev.lockstep.isa.asm.Disassembler;
import dev.lockstep.isa.binary.LsbReader;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.program.Program;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lockstep disasm FILE.lsb [-o FILE.lsa]}. */
@Command(name = "disasm", mixinStandardHelpOptions = true,
        description = "Disassemble a binary program (.lsb) into canonical assembly text; assembling that text "
                + "gives the identical binary.")
final class DisasmCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE.lsb", description = "Binary program.")
    Path input;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE.lsa", description = "Where to write (default: stdout).")
    Path output;

    @Mixin
    ChipOption chip;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ChipSpec chipSpec = chip.spec();
        Program program = LsbReader.read(input, chipSpec);
        String text = new Disassembler(chipSpec).text(program);
        if (output == null) {
            spec.commandLine().getOut().print(text);
            spec.commandLine().getOut().flush();
        } else {
            Outputs.write(output, text.getBytes(StandardCharsets.UTF_8));
        }
        return 0;
    }
}
