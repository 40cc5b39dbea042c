// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler;

import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.SliceKind;
import java.util.Arrays;

/**
 * Which SRAM words of a chip are taken: per MEM slice (by floorplan position), every word below its top. Kernels
 * compiled one after another on one chip start where the last left off, so their tensors never overlap. Immutable.
 */
public final class SramMap {
    private final int[] top;
    private final int wordsPerSlice;

    private SramMap(int[] top, int wordsPerSlice) {
        this.top = top;
        this.wordsPerSlice = wordsPerSlice;
    }

    /** Nothing taken. */
    public static SramMap empty(ChipSpec chip) {
        return new SramMap(new int[chip.floorplan().slices().size()], chip.mem().wordsPerSlice());
    }

    /** The first free word of the slice at {@code position}. */
    public int top(int position) {
        return top[position];
    }

    /** A copy with the slice at {@code position} taken up to {@code newTop} (never lowered). */
    public SramMap raise(int position, int newTop) {
        if (newTop <= top[position]) {
            return this;
        }
        int[] t = top.clone();
        t[position] = newTop;
        return new SramMap(t, wordsPerSlice);
    }

    /** A copy with every slice raised to at least the other map's top. */
    public SramMap union(SramMap other) {
        int[] t = top.clone();
        for (int i = 0; i < t.length; i++) {
            t[i] = Math.max(t[i], other.top[i]);
        }
        return new SramMap(t, wordsPerSlice);
    }

    /** Words taken, over all slices. */
    public long usedWords() {
        long n = 0;
        for (int t : top) {
            n += t;
        }
        return n;
    }

    /** Bytes taken: words times the chip's vector bytes. */
    public long usedBytes(ChipSpec chip) {
        return usedWords() * chip.vectorBytes();
    }

    /** Capacity of the chip's MEM slices in words. */
    public static long capacityWords(ChipSpec chip) {
        return (long) chip.floorplan().slicesOf(SliceKind.MEM).size() * chip.mem().wordsPerSlice();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SramMap m && Arrays.equals(m.top, top);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(top);
    }
}
