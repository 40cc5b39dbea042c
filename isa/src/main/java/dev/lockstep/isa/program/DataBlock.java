// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.program;

import java.util.Arrays;

/**
 * Initial SRAM contents: consecutive words of one MEM slice from {@code address}, raw bytes, one vector's worth
 * of bytes per word (lane l of word i is {@code bytes[i * vectorBytes + l]}).
 *
 * @param slice   the slice's position in the floorplan
 */
public record DataBlock(int slice, int address, byte[] bytes) {
    public DataBlock {
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public int words(int vectorBytes) {
        return bytes.length / vectorBytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataBlock d && d.slice == slice && d.address == address && Arrays.equals(d.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return (slice * 31 + address) * 31 + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "DataBlock[slice=" + slice + ", address=" + address + ", bytes=" + bytes.length + "]";
    }
}
