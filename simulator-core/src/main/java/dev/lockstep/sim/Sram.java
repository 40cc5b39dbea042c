// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.Slice;
import dev.lockstep.isa.chip.SliceKind;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.DataBlock;
import dev.lockstep.isa.program.Region;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The MEM slices of one chip: contents (functional mode only, allocated per slice on first use), which words hold
 * data, read-only regions, and per-cycle bank accounting. Word {@code a} of a slice is in bank
 * {@code a mod banks}.
 */
final class Sram {
    private final int vectorBytes;
    private final int words;
    private final int banks;
    private final int accessesPerBank;
    private final boolean functional;
    private final byte[][] data;
    private final BitSet[] inUse;
    private final List<List<long[]>> readOnly;
    private final int[] bankCounts;
    private final int[] touched;
    private int touchedCount;
    private long bankCycle = -1;

    Sram(ChipSpec chip, ChipProgram program, boolean functional) {
        this.vectorBytes = chip.vectorBytes();
        this.words = chip.mem().wordsPerSlice();
        this.banks = chip.mem().banks();
        this.accessesPerBank = chip.mem().accessesPerBankPerCycle();
        this.functional = functional;
        int positions = chip.floorplan().slices().size();
        this.data = new byte[positions][];
        this.inUse = new BitSet[positions];
        this.readOnly = new ArrayList<>();
        for (int p = 0; p < positions; p++) {
            readOnly.add(new ArrayList<>());
        }
        for (Slice s : chip.floorplan().slices()) {
            if (s.kind() == SliceKind.MEM) {
                inUse[s.position()] = new BitSet(words);
            }
        }
        this.bankCounts = new int[positions * banks];
        this.touched = new int[positions * banks];
        for (DataBlock b : program.data()) {
            byte[] bytes = b.bytes();
            int n = bytes.length / vectorBytes;
            inUse[b.slice()].set(b.address(), b.address() + n);
            if (functional) {
                System.arraycopy(bytes, 0, slice(b.slice()), b.address() * vectorBytes, bytes.length);
            }
        }
        for (Region r : program.regions()) {
            if (r.readOnly()) {
                for (int s : r.slices()) {
                    readOnly.get(s).add(new long[] {r.address(), r.address() + r.wordsPerSlice(vectorBytes)});
                }
            }
        }
    }

    private byte[] slice(int position) {
        if (data[position] == null) {
            data[position] = new byte[words * vectorBytes];
        }
        return data[position];
    }

    int words() {
        return words;
    }

    int banks() {
        return banks;
    }

    /**
     * Counts an access to {@code bank} of a slice in {@code cycle}; returns false when the bank is already
     * serving all the accesses it can this cycle.
     */
    boolean access(int position, int bank, long cycle) {
        if (cycle != bankCycle) {
            for (int i = 0; i < touchedCount; i++) {
                bankCounts[touched[i]] = 0;
            }
            touchedCount = 0;
            bankCycle = cycle;
        }
        int key = position * banks + bank;
        if (bankCounts[key] == 0) {
            touched[touchedCount++] = key;
        }
        return ++bankCounts[key] <= accessesPerBank;
    }

    int bankOf(long address) {
        return (int) (address % banks);
    }

    /** The word's bytes (a copy), or null in timing-only mode. */
    byte[] read(int position, long address) {
        if (!functional) {
            return null;
        }
        byte[] out = new byte[vectorBytes];
        System.arraycopy(slice(position), (int) address * vectorBytes, out, 0, vectorBytes);
        return out;
    }

    /** One byte of a word (gather). */
    byte readByte(int position, long address, int lane) {
        return slice(position)[(int) address * vectorBytes + lane];
    }

    void write(int position, long address, byte[] bytes) {
        inUse[position].set((int) address);
        if (functional) {
            System.arraycopy(bytes, 0, slice(position), (int) address * vectorBytes, vectorBytes);
        }
    }

    void writeByte(int position, long address, int lane, byte b) {
        inUse[position].set((int) address);
        slice(position)[(int) address * vectorBytes + lane] = b;
    }

    void markInUse(int position, long address) {
        inUse[position].set((int) address);
    }

    boolean isReadOnly(int position, long address) {
        for (long[] r : readOnly.get(position)) {
            if (address >= r[0] && address < r[1]) {
                return true;
            }
        }
        return false;
    }

    long wordsInUse() {
        long n = 0;
        for (BitSet b : inUse) {
            if (b != null) {
                n += b.cardinality();
            }
        }
        return n;
    }

    /** Copies of words {@code address .. address + count - 1} of a slice (functional mode). */
    byte[] dump(int position, int address, int count) {
        byte[] out = new byte[count * vectorBytes];
        System.arraycopy(slice(position), address * vectorBytes, out, 0, out.length);
        return out;
    }
}
