// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.Slice;
import dev.lockstep.isa.chip.SliceKind;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.DataBlock;
import dev.lockstep.isa.program.Region;
import dev.lockstep.isa.semantics.Lanes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * The MEM slices of one chip: contents (functional mode only, in pages made on first write), which words hold
 * data, read-only regions, and per-cycle bank accounting. Word {@code a} of a slice is in bank
 * {@code a mod banks}.
 *
 * <p>Bank accesses may be counted ahead of the present, up to {@code lookahead} cycles. A read train's accesses are
 * kept as one run per slice ({@link #countRead}): the read path is held for a whole train, so no other read-side
 * access shares its cycles, and a train starts at its issue, never after the present; so the slice's last train is
 * the only one whose accesses a later access can meet, and it needs no count per word. Other accesses (write trains,
 * gathers and scatters, at their own cycle) keep a ring of per-cycle counts per bank, each tagged with its cycle, so
 * a count left from a cycle one ring ago reads as zero; a bank's count in a cycle is that plus the run's access.
 */
final class Sram {
    private final int vectorBytes;
    private final int words;
    private final int banks;
    private final int accessesPerBank;
    private final boolean functional;
    /**
     * Per position, its words in pages of {@link #PAGE_WORDS}, each made on its first write (functional mode): a
     * word never written reads as zeros, and a small model's run does not zero and hold 220 MiB per chip.
     */
    private final byte[][][] pages;
    private final BitSet[] inUse;
    private final List<List<long[]>> readOnly;
    /** Cycles of the per-bank rings (a power of two, larger than any access counted ahead). */
    private final int ring;
    /** Per position, its MEM slice's index among the MEM slices (-1 for other slices). */
    private final int[] memIndex;
    /** {@code banks - 1} when banks are a power of two (bank = address & mask), else -1. */
    private final long bankMask;
    /**
     * Per bank (MEM index x banks + bank) and ring slot: the slot's cycle plus one (0: never used) shifted left by 8,
     * or'ed with its count of accesses (at most 255; beyond the bank's limit the run stops anyway).
     */
    private final long[] bankCounts;
    /**
     * Per MEM index, the read train counted last: its first access cycle, first address and stride, and how many of
     * its words are counted (0: none); word k accesses address + k x stride at start + k.
     */
    private final long[] runStart;
    private final long[] runAddress;
    private final long[] runStride;
    private final int[] runCounted;

    /** @param lookahead how many cycles ahead of the present accesses may be counted */
    Sram(ChipSpec chip, ChipProgram program, boolean functional, int lookahead) {
        this.vectorBytes = chip.vectorBytes();
        this.words = chip.mem().wordsPerSlice();
        this.banks = chip.mem().banks();
        this.accessesPerBank = chip.mem().accessesPerBankPerCycle();
        this.functional = functional;
        int positions = chip.floorplan().slices().size();
        this.pages = new byte[positions][][];
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
        int slots = 1;
        while (slots < lookahead + 2) {
            slots <<= 1;
        }
        this.ring = slots;
        this.memIndex = new int[positions];
        Arrays.fill(memIndex, -1);
        int mems = 0;
        for (Slice s : chip.floorplan().slices()) {
            if (s.kind() == SliceKind.MEM) {
                memIndex[s.position()] = mems++;
            }
        }
        this.bankMask = Integer.bitCount(banks) == 1 ? banks - 1 : -1;
        this.bankCounts = new long[mems * banks * ring];
        this.runStart = new long[mems];
        this.runAddress = new long[mems];
        this.runStride = new long[mems];
        this.runCounted = new int[mems];
        for (DataBlock b : program.data()) {
            byte[] bytes = b.bytes();
            int n = bytes.length / vectorBytes;
            inUse[b.slice()].set(b.address(), b.address() + n);
            if (functional) {
                for (int w = 0; w < n; w++) {
                    System.arraycopy(bytes, w * vectorBytes, page(b.slice(), b.address() + w), offset(b.address() + w),
                            vectorBytes);
                }
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

    /** Words per page of a slice's storage (a power of two). */
    static final int PAGE_WORDS = 256;
    private static final int PAGE_SHIFT = Integer.numberOfTrailingZeros(PAGE_WORDS);

    /** The page holding {@code address}, made if it is not yet. */
    private byte[] page(int position, long address) {
        inRange(address);
        if (pages[position] == null) {
            pages[position] = new byte[(words + PAGE_WORDS - 1) >> PAGE_SHIFT][];
        }
        byte[][] slice = pages[position];
        int i = (int) (address >> PAGE_SHIFT);
        if (slice[i] == null) {
            slice[i] = new byte[PAGE_WORDS * vectorBytes];
        }
        return slice[i];
    }

    /** The page holding {@code address}, or null if no word of it was written. */
    private byte[] pageIfAny(int position, long address) {
        inRange(address);
        byte[][] slice = pages[position];
        return slice == null ? null : slice[(int) (address >> PAGE_SHIFT)];
    }

    /** As a whole slice's array did: an address outside the slice is a fault of the simulator, never zeros. */
    private void inRange(long address) {
        if (address < 0 || address >= words) {
            throw new ArrayIndexOutOfBoundsException("word " + address + " of a slice of " + words + " words");
        }
    }

    /** Where {@code address}'s word starts in its page. */
    private int offset(long address) {
        return (int) (address & (PAGE_WORDS - 1)) * vectorBytes;
    }

    int words() {
        return words;
    }

    int banks() {
        return banks;
    }

    /**
     * Counts an access to {@code bank} of a slice in {@code cycle} (not a read train's: see {@link #countRead});
     * returns false when the bank is already serving all the accesses it can this cycle.
     */
    boolean access(int position, int bank, long cycle) {
        int m = memIndex[position];
        int i = (m * banks + bank) * ring + (int) (cycle & (ring - 1));
        long tag = (cycle + 1) << 8;
        long e = bankCounts[i];
        int n = (e & ~0xFFL) == tag ? (int) (e & 0xFF) : 0;
        n = Math.min(n + 1, 255);
        bankCounts[i] = tag | n;
        return n + readAt(m, bank, cycle) <= accessesPerBank;
    }

    /**
     * Counts the accesses of a read train's words 0 to {@code counted - 1} (word k: {@code address + k x stride}
     * at {@code start + k}), replacing the slice's previous train: the caller holds the slice's read path for the
     * whole train, so the previous one has ended, and no access is counted in the train's cycles before it; a read
     * never finds a bank busy.
     */
    void countRead(int position, long start, long address, long stride, int counted) {
        int m = memIndex[position];
        if (runCounted[m] > 0 && runStart[m] != start && runStart[m] + runCounted[m] > start) {
            throw new IllegalStateException("a read train from cycle " + start + " overlaps the one from cycle "
                    + runStart[m] + " (" + runCounted[m] + " words counted) on one read path");
        }
        runStart[m] = start;
        runAddress[m] = address;
        runStride[m] = stride;
        runCounted[m] = counted;
    }

    /** The accesses (0 or 1) of MEM index {@code m}'s read train counted for {@code bank} in {@code cycle}. */
    private int readAt(int m, int bank, long cycle) {
        long k = cycle - runStart[m];
        return k >= 0 && k < runCounted[m] && bankOf(runAddress[m] + k * runStride[m]) == bank ? 1 : 0;
    }

    /** The accesses counted for a ring slot in {@code cycle}. */
    private int countAt(int i, long cycle) {
        long e = bankCounts[i];
        return (e & ~0xFFL) == (cycle + 1) << 8 ? (int) (e & 0xFF) : 0;
    }

    /**
     * Appends the accesses counted for {@code now} or later (per bank, each cycle counted from {@code now}), for
     * {@link RepeatSkip}.
     */
    void bankState(long now, StateWords out) {
        for (int key = 0; key < bankCounts.length / ring; key++) {
            for (long c = now; c < now + ring; c++) {
                int n = countAt(key * ring + (int) (c & (ring - 1)), c) + readAt(key / banks, key % banks, c);
                if (n > 0) {
                    out.add(key).add(c - now).add(n);
                }
            }
        }
    }

    /** Moves every access counted for {@code now} or later {@code by} cycles later. */
    void shiftBanks(long now, long by) {
        long[] cycles = new long[ring];
        int[] counts = new int[ring];
        for (int key = 0; key < bankCounts.length / ring; key++) {
            int n = 0;
            for (long c = now; c < now + ring; c++) {
                int i = key * ring + (int) (c & (ring - 1));
                int count = countAt(i, c);
                if (count > 0) {
                    cycles[n] = c;
                    counts[n++] = count;
                    bankCounts[i] = 0;
                }
            }
            for (int k = 0; k < n; k++) {
                long c = cycles[k] + by;
                bankCounts[key * ring + (int) (c & (ring - 1))] = (c + 1) << 8 | counts[k];
            }
        }
        for (int m = 0; m < runStart.length; m++) {
            if (runCounted[m] > 0 && runStart[m] + runCounted[m] > now) {
                runStart[m] += by;
            }
        }
    }

    int bankOf(long address) {
        return (int) (bankMask >= 0 ? address & bankMask : address % banks);
    }

    /** The word's bytes (a copy), or null in timing-only mode. */
    byte[] read(int position, long address) {
        if (!functional) {
            return null;
        }
        byte[] out = new byte[vectorBytes];
        byte[] page = pageIfAny(position, address);
        if (page != null) {
            System.arraycopy(page, offset(address), out, 0, vectorBytes);
        }
        return out;
    }

    /** One byte of a word (gather). */
    byte readByte(int position, long address, int lane) {
        byte[] page = pageIfAny(position, address);
        return page == null ? 0 : page[offset(address) + lane];
    }

    void write(int position, long address, byte[] bytes) {
        inUse[position].set((int) address);
        if (functional) {
            System.arraycopy(bytes, 0, page(position, address), offset(address), vectorBytes);
        }
    }

    void writeByte(int position, long address, int lane, byte b) {
        inUse[position].set((int) address);
        page(position, address)[offset(address) + lane] = b;
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

    /** The values of {@code r} as they stand, element by element (exact for every type; functional mode). */
    double[] values(Region r) {
        int w = r.dtype().bytes();
        int vectors = (r.elements() + vectorBytes - 1) / vectorBytes;
        double[] out = new double[r.elements()];
        for (int v = 0; v < vectors; v++) {
            byte[][] planes = new byte[w][];
            for (int p = 0; p < w; p++) {
                planes[p] = r.slices().size() == 1
                        ? dump(r.slices().get(0), r.address() + v * w + p, 1)
                        : dump(r.slices().get(p), r.address() + v, 1);
            }
            double[] values = Lanes.values(r.dtype(), planes);
            for (int l = 0; l < vectorBytes && v * vectorBytes + l < out.length; l++) {
                out[v * vectorBytes + l] = values[l];
            }
        }
        return out;
    }

    /** Copies of words {@code address .. address + count - 1} of a slice (functional mode). */
    byte[] dump(int position, int address, int count) {
        byte[] out = new byte[count * vectorBytes];
        for (int w = 0; w < count; w++) {
            byte[] page = pageIfAny(position, address + w);
            if (page != null) {
                System.arraycopy(page, offset(address + w), out, w * vectorBytes, vectorBytes);
            }
        }
        return out;
    }
}
