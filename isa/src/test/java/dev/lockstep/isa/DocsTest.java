// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The reference sections of the docs are generated from the ISA table and must not drift from it. */
class DocsTest {
    private static final Path DOCS = Path.of("..", "docs");

    static String generatedSection(Path file, String name) throws IOException {
        String text = Files.readString(file);
        String begin = "<!-- BEGIN GENERATED: " + name + " -->\n";
        String end = "<!-- END GENERATED: " + name + " -->";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        assertThat(from).as("%s has the marker %s", file, begin.trim()).isNotNegative();
        assertThat(to).as("%s has the marker %s", file, end).isGreaterThan(from);
        return text.substring(from + begin.length(), to);
    }

    @Test
    void isaMdHoldsTheGeneratedOpcodeReference() throws IOException {
        assertThat(generatedSection(DOCS.resolve("isa.md"), "opcodes (lockstep isa)"))
                .as("docs/isa.md is out of date: regenerate the section with ./lockstep isa")
                .isEqualTo(IsaReference.opcodesMarkdown());
    }

    @Test
    void modelMdHoldsTheGeneratedTimingTable() throws IOException {
        assertThat(generatedSection(DOCS.resolve("model.md"), "timing (lockstep isa --timing)"))
                .as("docs/model.md is out of date: regenerate the section with ./lockstep isa --timing")
                .isEqualTo(IsaReference.timingMarkdown());
    }

    @Test
    void isaMdHasASectionForEveryUnitThatOpcodeJavadocsCite() throws IOException {
        String text = Files.readString(DOCS.resolve("isa.md"));
        for (Unit u : Unit.values()) {
            assertThat(text).contains("\n## " + u.name() + "\n");
        }
        for (Opcode op : Opcode.values()) {
            assertThat(text).as("docs/isa.md mentions %s", op.mnemonic()).contains("`" + op.mnemonic());
        }
    }
}
