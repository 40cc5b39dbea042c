// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.binary;

/**
 * The binary program format ({@code .lsb}), version 1. Little-endian; "varint" is unsigned LEB128, "zigzag" a
 * signed LEB128 in zigzag form; a string is a varint length and UTF-8 bytes. Layout:
 * <pre>
 *   magic       4 bytes   0x89 'L' 'S' 'B'
 *   version     u16       1
 *   flags       u16       0
 *   chip name   string    the chip description the program was written for
 *   vector      varint    that chip's vector length in bytes
 *   constants   varint n, then n x (string name, zigzag value)
 *   lane maps   varint n, then n x (string name, varint lanes, lanes x varint)
 *   chips       varint n, then n x chip, ids increasing:
 *     id        varint
 *     regions   varint n, then n x (string name, varint slices, slices x varint position, varint address,
 *                                   u8 dtype code, varint elements, u8 readonly)
 *     data      varint n, then n x (varint slice position, varint address, varint words, words x vector bytes)
 *     queues    varint n, then n x (varint queue id (increasing), varint count,
 *                                   count x (varint cycle delta from the previous instruction, u64 word))
 *   crc32       u32       CRC-32 (IEEE) of every byte before it
 * </pre>
 * The first instruction's delta is its absolute cycle. Everything is in the canonical order of
 * {@link dev.lockstep.isa.program.Program}, so equal programs encode to identical bytes.
 */
public final class LsbFormat {
    public static final byte[] MAGIC = {(byte) 0x89, 'L', 'S', 'B'};
    public static final int VERSION = 1;

    private LsbFormat() {
    }
}
