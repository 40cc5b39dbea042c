// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.isa.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @Test
    void writtenArraysReadBackWithShapeAndType(@TempDir Path dir) throws Exception {
        byte[] data = {1, 0, (byte) 0xFF, (byte) 0xFF, 3, 0, 4, 0, 5, 0, 6, 0};
        Path f = dir.resolve("a.npy");
        Npy.write(f, DataType.I16, new long[] {2, 3}, data);
        Npy.Array a = Npy.read(f);
        assertThat(a.dtype()).isEqualTo(DataType.I16);
        assertThat(a.shape()).containsExactly(2, 3);
        assertThat(a.elements()).isEqualTo(6);
        assertThat(a.bits(1)).isEqualTo(-1);
        assertThat(a.bits(5)).isEqualTo(6);
        assertThat((Files.size(f) - data.length) % 64).as("header padded to 64 bytes as numpy pads it").isZero();
    }

    @Test
    void badFilesGetClearErrors(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> Npy.parse("x.npy", "hello".getBytes())).isInstanceOf(InputException.class)
                .hasMessageContaining("not a .npy file");
        Path f = dir.resolve("d.npy");
        Npy.write(f, DataType.F32, new long[] {4}, new byte[16]);
        byte[] bytes = Files.readAllBytes(f);
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 3);
        assertThatThrownBy(() -> Npy.parse("d.npy", cut)).hasMessageContaining("header promises 16");
        String header = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).replace("<f4", "<f8");
        assertThatThrownBy(() -> Npy.parse("d.npy", header.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)))
                .hasMessageContaining("element type '<f8' is not supported");
    }
}
