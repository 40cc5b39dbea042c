// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import dev.lockstep.isa.asm.Assembler;
import dev.lockstep.isa.binary.LsbWriter;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.program.Program;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lockstep asm FILE.lsa [-o FILE.lsb]}. */
@Command(name = "asm", mixinStandardHelpOptions = true,
        description = "Assemble a program (.lsa text) into a binary program (.lsb). Syntax: docs/isa.md.")
final class AsmCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE.lsa", description = "Assembly text.")
    Path input;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE.lsb",
            description = "Where to write the binary (default: the input with .lsb).")
    Path output;

    @Mixin
    ChipOption chip;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ChipSpec chipSpec = chip.spec();
        Program program = new Assembler(chipSpec).assemble(input);
        Path out = output != null ? output : Outputs.withExtension(input, ".lsb");
        byte[] bytes = LsbWriter.encode(program);
        Outputs.write(out, bytes);
        spec.commandLine().getErr().printf("%s: %d instructions on %d chip(s), %d bytes -> %s%n", input,
                program.instructionCount(), program.chips().size(), bytes.length, out);
        return 0;
    }
}
