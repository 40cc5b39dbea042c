// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import java.util.List;

/**
 * The least periods at which a chip's work, repeated, never meets itself ({@link ChipBuild#busyWindows},
 * {@link ChipBuild#repeat}): the chunk interval of a prefill.
 */
public final class RepeatPeriods {
    private RepeatPeriods() {
    }

    /**
     * The least period p at or above {@code atLeast} such that work in windows {@code w}
     * ({@link ChipBuild#busyWindows}, in order, disjoint), repeated every p cycles {@code repeats} more times, never
     * overlaps itself: for a prefill, the chunk interval at which every chunk's work on a chip finds it free when the
     * next chunk comes (the busiest chip's work is not enough where a chip's work spreads over more than the
     * interval, its windows of one chunk meeting the next chunk's). Each shift k x p is checked in one sweep over both
     * lists of windows; a meeting raises p to the least at which that pair no longer meets, and the shifts are checked
     * again from the first.
     */
    public static long least(long[][] w, long atLeast, int repeats) {
        if (w.length == 0 || repeats < 1) {
            return atLeast;
        }
        long span = w[w.length - 1][1] - w[0][0];
        long p = Math.max(1, atLeast);
        boolean moved = true;
        while (moved) {
            moved = false;
            // shifted by k x p >= span, no window of one repeat meets another's
            long most = Math.min(repeats, (span + p - 1) / p);
            for (int k = 1; k <= most && !moved; k++) {
                long shift = k * p;
                int i = 0;
                int j = 0;
                while (i < w.length && j < w.length) {
                    if (w[i][1] <= w[j][0] + shift) {
                        i++;
                    } else if (w[j][1] + shift <= w[i][0]) {
                        j++;
                    } else {
                        // window j of the k-th repeat meets window i: shift it past i's end
                        p = (w[i][1] - w[j][0] + k - 1) / k;
                        moved = true;
                        break;
                    }
                }
            }
        }
        return p;
    }

    /**
     * The least period at or above {@code atLeast} at which no chip's windows ({@link #least}) meet their own
     * {@code repeats} repeats: the least period of one chip is not always good for another (a longer period can
     * bring a window onto a later one), so every chip is asked again until all agree.
     */
    public static long leastCommon(List<long[][]> windows, long atLeast, int repeats) {
        long p = atLeast;
        boolean moved = true;
        while (moved) {
            moved = false;
            for (long[][] w : windows) {
                long q = least(w, p, repeats);
                if (q != p) {
                    p = q;
                    moved = true;
                }
            }
        }
        return p;
    }
}
