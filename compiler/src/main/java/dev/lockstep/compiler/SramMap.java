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
    private final int ceiling;

    private SramMap(int[] top, int ceiling) {
        this.top = top;
        this.ceiling = ceiling;
    }

    /** Nothing taken; kernels may use every word. */
    public static SramMap empty(ChipSpec chip) {
        return new SramMap(new int[chip.floorplan().slices().size()], chip.mem().wordsPerSlice());
    }

    /** The word below which kernels compiled against this map must stay, in every slice. */
    public int ceiling() {
        return ceiling;
    }

    /** The same map with another ceiling (to keep the words above it for later kernels). */
    public SramMap withCeiling(int newCeiling) {
        return new SramMap(top, newCeiling);
    }

    /** Every slice taken up to at least {@code floor} (kernels compiled after this go above it). */
    public SramMap atLeast(int floor) {
        int[] t = top.clone();
        for (int i = 0; i < t.length; i++) {
            t[i] = Math.max(t[i], floor);
        }
        return new SramMap(t, ceiling);
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
        return new SramMap(t, ceiling);
    }

    /** A copy with every slice raised to at least the other map's top (and this map's ceiling). */
    public SramMap union(SramMap other) {
        int[] t = top.clone();
        for (int i = 0; i < t.length; i++) {
            t[i] = Math.max(t[i], other.top[i]);
        }
        return new SramMap(t, ceiling);
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
        return o instanceof SramMap m && m.ceiling == ceiling && Arrays.equals(m.top, top);
    }

    /** Whether every slice's top here is at least the other's. */
    public boolean covers(SramMap other) {
        for (int i = 0; i < top.length; i++) {
            if (top[i] < other.top[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(top) * 31 + ceiling;
    }
}
