// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.asm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.binary.LsbReader;
import dev.lockstep.isa.binary.LsbWriter;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import dev.lockstep.isa.io.InputException;
import dev.lockstep.isa.io.Npy;
import dev.lockstep.isa.program.Program;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs a review found mishandled, each now a clean error or a correct value. */
class ReviewRegressionTest {
    private static final ChipSpec TSP = ChipSpecs.tspV1();
    private static final Assembler ASM = new Assembler(TSP);

    private static Program asm(String text) {
        return ASM.assemble("t.lsa", text, null);
    }

    @Test
    void deeplyNestedExpressionsAreRefusedNotAStackOverflow() {
        String deep = ".queue mem.w0\nnop " + "(".repeat(20000) + "1" + ")".repeat(20000) + "\n";
        assertThatThrownBy(() -> asm(deep)).isInstanceOf(InputException.class).hasMessageContaining("nested more");
        String minus = ".queue mem.w0\nnop " + "-".repeat(100000) + "1\n";
        assertThatThrownBy(() -> asm(minus)).isInstanceOf(InputException.class).hasMessageContaining("nested more");
    }

    @Test
    void decimalsAreRoundedOnceToF32AndF16() {
        Program p = asm("""
                .data a, mem.w0, 0, f32, [1.0000001788139343261]
                .data b, mem.w1, 0, f16, [1.0004882821813226]
                .queue vxm.0
                    vaddi.f32 e0, e4, 1.0000001788139343261
                """);
        byte[] a = p.chip(0).orElseThrow().data().stream().filter(d -> d.slice() == 45).findFirst().orElseThrow()
                .bytes();
        assertThat(a[0]).as("0x3F800001, low byte").isEqualTo((byte) 0x01);
        byte[] b = p.chip(0).orElseThrow().data().stream().filter(d -> d.slice() == 44).findFirst().orElseThrow()
                .bytes();
        assertThat(b[0]).as("0x3C01, low byte").isEqualTo((byte) 0x01);
        assertThat(p.chip(0).orElseThrow().queues().get(0).instruction(0).operand("imm")).isEqualTo(0x3F800001L);
    }

    @Test
    void negatingTheSmallestLongIsAnOverflowError() {
        assertThatThrownBy(() -> asm(".equ M, -9223372036854775807 - 1\n.equ N, -M\n.queue mem.w0\nnop 1\n"))
                .hasMessageContaining("does not fit 64 bits");
    }

    @Test
    void hugeRegionsAreRefusedNotWrappedAround() {
        assertThatThrownBy(() -> asm(".region r, mem.w0, 0, i8, 2147483647\n.queue mem.w0\nnop 1\n"))
                .hasMessageContaining("region 'r' needs words 0..6710886");
    }

    @Test
    void aConstantNamedLikeAMnemonicCanBeAnIssueCycle() {
        Program p = asm(".equ read, 3\n.queue mem.w0\n@read read e0, 0\n");
        assertThat(p.chip(0).orElseThrow().queues().get(0).cycle(0)).isEqualTo(3);
    }

    @Test
    void aByteOrderMarkIsIgnored() {
        assertThat(asm("\uFEFF.queue mem.w0\nnop 1\n").instructionCount()).isEqualTo(1);
    }

    @Test
    void aBinaryForAnotherChipIsRefused() {
        String json = ChipSpecs.toJson(TSP).replace("\"tsp-v1\"", "\"other\"");
        ChipSpec other = ChipSpecs.parse("other.json", json.getBytes(StandardCharsets.UTF_8));
        byte[] bytes = LsbWriter.encode(new Assembler(other).assemble("t.lsa", ".queue mem.w0\nnop 1\n", null));
        assertThatThrownBy(() -> LsbReader.decode("t.lsb", bytes, TSP)).hasMessageContaining(
                "assembled for chip 'other', not tsp-v1");
        assertThatThrownBy(() -> ChipSpecs.parse("bad.json", ChipSpecs.toJson(TSP)
                .replace("\"tsp-v1\"", "\"x\\n.equ Z, 5\"").getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("name must be");
    }

    @Test
    void uint8LaneMapsAreUnsignedAndNpyHeadersAreParsedStrictly(@TempDir Path dir) throws Exception {
        byte[] lanes = new byte[320];
        for (int l = 0; l < 320; l++) {
            lanes[l] = (byte) (l < 256 ? 255 - l : l - 256);
        }
        Path u8 = dir.resolve("u8.npy");
        Npy.write(u8, DataType.I8, new long[] {320}, lanes);
        byte[] raw = Files.readAllBytes(u8);
        String header = new String(raw, StandardCharsets.ISO_8859_1).replace("'|i1'", "'|u1'");
        Files.write(u8, header.getBytes(StandardCharsets.ISO_8859_1));
        Files.writeString(dir.resolve("m.lsa"), ".map m, \"u8.npy\"\n.queue sxm.w0.0\npermute.i8 e0, e1, m\n");
        Program p = ASM.assemble(dir.resolve("m.lsa"));
        assertThat(p.maps().get(0).lane(0)).isEqualTo(255);
        String tricky = "{'shape': (1,), 'descr': '|i1', 'fortran_order': False, 'x': 'fortran_order': True }";
        byte[] bad = npyWithHeader(tricky, new byte[] {1});
        assertThatThrownBy(() -> Npy.parse("bad.npy", bad)).hasMessageContaining("malformed .npy header");
    }

    private static byte[] npyWithHeader(String header, byte[] data) {
        String h = header + " ".repeat(Math.max(0, 117 - header.length())) + "\n";
        byte[] hb = h.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[10 + hb.length + data.length];
        byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) hb.length, (byte) (hb.length >> 8)};
        System.arraycopy(magic, 0, out, 0, 10);
        System.arraycopy(hb, 0, out, 10, hb.length);
        System.arraycopy(data, 0, out, 10 + hb.length, data.length);
        return out;
    }
}
