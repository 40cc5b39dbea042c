// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.asm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.isa.chip.ChipSpecs;
import dev.lockstep.isa.io.InputException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of bad assembly input gets one located error that says what would be right. */
class AssemblerErrorTest {
    private static final Assembler ASM = new Assembler(ChipSpecs.tspV1());

    static Stream<Arguments> badPrograms() {
        return Stream.of(
                Arguments.of("unknown mnemonic, nearest suggested", ".queue mem.w0\n    raed e0, 0\n", "2:5",
                        "unknown mnemonic 'raed' (did you mean 'read'?)"),
                Arguments.of("too few operands", ".queue mem.w0\nread e0\n", "2:1",
                        "read takes 2 to 4 operand(s) (dst, addr[, count[, stride]]), got 1"),
                Arguments.of("too many operands", ".queue mem.w0\nread e0, 1, 2, 3, 4\n", "2:19",
                        "read takes 2 to 4 operand(s)"),
                Arguments.of("wrong operand kind", ".queue mem.w0\nread 5, 0\n", "2:6",
                        "read operand 'dst' is a stream such as e0 or w3, got '5'"),
                Arguments.of("address out of the slice", ".queue mem.w0\nread e0, 8192\n", "2:10",
                        "address 8192 is out of range: a MEM slice of tsp-v1 has addresses 0..8191"),
                Arguments.of("field out of range", ".queue mem.w0\nread e0, 0, 0\n", "2:13",
                        "read operand 'count' must be in 1..65535, got 0"),
                Arguments.of("run leaves the slice", ".queue mem.w0\nread e0, 8190, 4\n", "2:16",
                        "ends at address 8193, outside the slice's 0..8191"),
                Arguments.of("stream index beyond the chip", ".queue vxm.0\nvadd.f32 e30, e0, e4\n", "2:10",
                        "streams 30..33 are out of range"),
                Arguments.of("lw off the weight streams", ".queue mxm.w0.0\nlw.f16 0, w2, 160\n", "2:11",
                        "lw takes its rows from the MXM slice's 16 weight streams, 0..15 of the direction toward it "
                                + "(the units of a slice share them and take turns): write w0, not w2"),
                Arguments.of("missing type suffix", ".queue vxm.0\nvadd e0, e1, e2\n", "2:1",
                        "vadd needs a type suffix, e.g. vadd.f32, got 'vadd'"),
                Arguments.of("type not allowed", ".queue vxm.0\nvexp.i8 e0, e1\n", "2:1",
                        "vexp type 'dt' must be one of f16, f32, got 'i8'"),
                Arguments.of("cycle goes backwards", ".queue vxm.0\n@10 vmov.i8 e0, e1\n@5 vmov.i8 e0, e1\n", "3:1",
                        "issue cycle 5 goes backwards: the previous instruction on queue vxm.0 issues at cycle 10"),
                Arguments.of("two in one cycle", ".queue vxm.0\n@10 vmov.i8 e0, e1\n@10 vmov.i8 e0, e1\n", "3:1",
                        "two instructions on queue vxm.0 at cycle 10"),
                Arguments.of("queue still dispatching", ".queue vxm.0\n@0 nop 10\n@5 vmov.i8 e0, e1\n", "3:1",
                        "queue vxm.0 is busy until cycle 10"),
                Arguments.of("unit the queue cannot issue", ".queue mem.w0\nvadd.f16 e0, e2, e4\n", "2:1",
                        "queue mem.w0 cannot issue vadd (a VXM instruction); it issues MEM and ICU instructions"),
                Arguments.of("instruction outside a queue", "nop 1\n", "1:1", "instruction outside a queue section"),
                Arguments.of("unknown queue", ".queue mem.w44\n", "1:8", "no queue 'mem.w44' on tsp-v1"),
                Arguments.of("unknown directive", ".qeue mem.w0\n", "1:1",
                        "unknown directive '.qeue' (did you mean '.queue'?)"),
                Arguments.of("repeat first", ".queue vxm.0\nrepeat 3, 1\n", "2:1",
                        "repeat is the first instruction of queue vxm.0"),
                Arguments.of("unknown name", ".queue mem.w0\nread e0, wieghts\n", "2:10", "unknown name 'wieghts'"),
                Arguments.of("empty file", "", "1:1", "the file is empty"),
                Arguments.of("only comments", "; nothing\n# here\n", "1:1", "no instructions in the file"),
                Arguments.of("binary garbage", "\u0000\u0001LSB", "1:1", "does not look like assembly text"),
                Arguments.of("unclosed list", ".data x, mem.w0, 0, i8, [1, 2\n.queue mem.w0\n", "1:25",
                        "'[' is never closed"),
                Arguments.of("value out of type range", ".data x, mem.w0, 0, i8, [1, 200]\n", "1:29",
                        "i8 value 200 is out of range -128..127"),
                Arguments.of("overlapping data", ".data x, mem.w0, 0, i8, [1]\n.data y, mem.w0, 0, i8, [2]\n",
                        "2:1", "overlaps earlier data"),
                Arguments.of("name declared twice", ".equ N, 1\n.equ N, 2\n", "2:6", "already declared"),
                Arguments.of("data in a non-MEM slice", ".data x, vxm, 0, i8, [1]\n", "1:10",
                        "slice vxm is not a MEM slice"),
                Arguments.of("permute without a map", ".queue sxm.w0.0\npermute.i8 e0, e1, 0\n", "2:20",
                        "lane map 0 is not declared"),
                Arguments.of("lane map of the wrong length", ".map m, [0, 1]\n", "1:6",
                        "lane map 'm' has 2 entries; it needs one per lane (320)"),
                Arguments.of("malformed number", ".queue vxm.0\nnop 12ab\n", "2:5", "malformed number"),
                Arguments.of("stray token after operands", ".queue vxm.0\nnop 1 2\n", "2:7",
                        "unexpected '2' after operand 1 of nop"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPrograms")
    void badInputGetsOneLocatedError(String name, String text, String at, String message) {
        assertThatThrownBy(() -> ASM.assemble("bad.lsa", text, null))
                .isInstanceOf(InputException.class)
                .satisfies(e -> {
                    InputException ie = (InputException) e;
                    assertThat(ie.getMessage()).contains(message);
                    assertThat(ie.line() + ":" + ie.column()).isEqualTo(at);
                    assertThat(ie.toErrorLine()).startsWith("error: bad.lsa:" + at + ": ").doesNotContain("\n");
                });
    }
}
