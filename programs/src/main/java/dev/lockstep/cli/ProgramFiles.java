// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import dev.lockstep.isa.asm.Assembler;
import dev.lockstep.isa.asm.SourceMap;
import dev.lockstep.isa.binary.LsbFormat;
import dev.lockstep.isa.binary.LsbReader;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.io.SourceFiles;
import dev.lockstep.isa.program.Program;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/** Loads a program from assembly text or a binary, told apart by the binary's magic bytes. */
final class ProgramFiles {
    private ProgramFiles() {
    }

    /** A program and, for assembly text, where its instructions came from (else null). */
    record Loaded(Program program, SourceMap sources) {
    }

    static Loaded load(Path file, ChipSpec chip) {
        byte[] bytes = SourceFiles.readBytes(file);
        boolean binary = bytes.length >= 4 && Arrays.equals(Arrays.copyOf(bytes, 4), LsbFormat.MAGIC);
        if (binary) {
            return new Loaded(LsbReader.decode(file.toString(), bytes, chip), null);
        }
        Assembler.Assembled a = new Assembler(chip).assembleWithSources(file.toString(),
                new String(bytes, StandardCharsets.UTF_8), file.toAbsolutePath().getParent());
        return new Loaded(a.program(), a.sources());
    }
}
