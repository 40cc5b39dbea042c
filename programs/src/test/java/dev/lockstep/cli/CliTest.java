// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import static dev.lockstep.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.isa.IsaReference;
import dev.lockstep.isa.chip.ChipSpecs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line as a user meets it: exit codes, one-line errors, no stack traces. */
class CliTest {

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("asm"))) {
            List<Path> list = files.filter(p -> p.toString().endsWith(".lsa")).sorted().toList();
            assertThat(list).as("example programs in programs/asm").hasSizeGreaterThanOrEqualTo(4);
            return list.stream();
        }
    }

    @Test
    void helpAndVersionSucceed() {
        CliRun.Result help = run("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("asm", "disasm", "run", "isa", "chip");
        CliRun.Result version = run("--version");
        assertThat(version.exit()).isZero();
        assertThat(version.out()).startsWith("lockstep ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "asm", "disasm", "isa", "chip"})
    void everySubcommandHasHelp(String command) {
        CliRun.Result r = run(command, "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("Usage: lockstep " + command);
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyExampleRoundTripsToTheIdenticalBinary(Path example, @TempDir Path dir) throws IOException {
        Path lsb = dir.resolve("a.lsb");
        assertThat(run("asm", example.toString(), "-o", lsb.toString()).exit()).isZero();
        CliRun.Result dis = run("disasm", lsb.toString());
        assertThat(dis.exit()).isZero();
        Path text = dir.resolve("b.lsa");
        Files.writeString(text, dis.out());
        Path again = dir.resolve("b.lsb");
        assertThat(run("asm", text.toString(), "-o", again.toString()).exit()).isZero();
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(lsb));
    }

    @Test
    void theEveryOpcodeExampleUsesEveryOpcode(@TempDir Path dir) throws IOException {
        Path lsb = dir.resolve("all.lsb");
        assertThat(run("asm", "asm/every-opcode.lsa", "-o", lsb.toString()).exit()).isZero();
        String text = run("disasm", lsb.toString()).out();
        for (dev.lockstep.isa.Opcode op : dev.lockstep.isa.Opcode.values()) {
            assertThat(text).as("every-opcode.lsa uses %s", op.mnemonic())
                    .containsPattern("\\s" + op.mnemonic() + "[ .\\n]");
        }
    }

    @Test
    void badInputGivesOneErrorLineAndExitCode1(@TempDir Path dir) throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.lsa"));
        Path garbage = dir.resolve("garbage.lsa");
        Files.write(garbage, new byte[] {0, 1, 2, (byte) 0xFF, (byte) 0xFE, 10, 0});
        Path textAsBinary = dir.resolve("text.lsb");
        Files.writeString(textAsBinary, ".queue mem.w0\nnop 1\n");
        Path good = dir.resolve("good.lsb");
        assertThat(run("asm", "asm/every-opcode.lsa", "-o", good.toString()).exit()).isZero();
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = dir.resolve("truncated.lsb");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        Path badChip = dir.resolve("chip.json");
        Files.writeString(badChip, "{\"name\": \"x\", \"clok_hz\": 1}");
        String[][] cases = {
            {"asm", dir.resolve("missing.lsa").toString()},
            {"asm", dir.toString()},
            {"asm", empty.toString()},
            {"asm", garbage.toString()},
            {"disasm", textAsBinary.toString()},
            {"disasm", truncated.toString()},
            {"disasm", garbage.toString()},
            {"asm", "asm/every-opcode.lsa", "--chip", badChip.toString()},
            {"asm", "asm/every-opcode.lsa", "--chip", "tsp-v9"},
        };
        for (String[] args : cases) {
            CliRun.Result r = run(args);
            assertThat(r.exit()).as("exit code of %s", List.of(args)).isEqualTo(1);
            assertThat(r.err().lines().toList()).as("stderr of %s", List.of(args)).hasSize(1);
            assertThat(r.err()).startsWith("error: ").doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Test
    void debugAddsTheStackTrace(@TempDir Path dir) {
        CliRun.Result r = run("--debug", "asm", dir.resolve("missing.lsa").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("InputException").contains("\tat ");
    }

    @Test
    void usageErrorsExitWith2() {
        assertThat(run("asm").exit()).isEqualTo(2);
        assertThat(run("--no-such-option").exit()).isEqualTo(2);
        assertThat(run("frobnicate").exit()).isEqualTo(2);
    }


    @Test
    void isaPrintsTheGeneratedReference() {
        assertThat(run("isa").out()).isEqualTo(IsaReference.opcodesMarkdown());
        assertThat(run("isa", "--timing").out()).isEqualTo(IsaReference.timingMarkdown());
    }

    @Test
    void chipPrintsJsonThatLoadsBackAndListsTheQueues(@TempDir Path dir) throws IOException {
        CliRun.Result json = run("chip");
        assertThat(json.exit()).isZero();
        Path f = dir.resolve("mine.json");
        Files.writeString(f, json.out());
        assertThat(ChipSpecs.load(f)).isEqualTo(ChipSpecs.tspV1());
        CliRun.Result queues = run("chip", "--queues");
        assertThat(queues.out()).contains("144 queues; 88 MEM slices of 8192 words x 320 bytes = 230686720 bytes");
    }
}
