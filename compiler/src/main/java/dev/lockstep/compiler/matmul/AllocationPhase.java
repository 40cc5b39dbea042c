// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.matmul;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.compiler.SramMap;
import dev.lockstep.isa.chip.Slice;
import dev.lockstep.isa.chip.SliceKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Places every tile in SRAM, in the hemisphere of the unit that uses it, above what earlier kernels took. Each unit
 * gets its own groups of slices for X (one slice per byte plane; X is copied for every unit, so that no two units
 * read one slice at once) and for Y, then its W tiles are spread over as many slices as the chip has weight streams
 * (so that every stream LW samples is fed by its own slice each cycle: {@link WeightTile}), slices of this kernel's
 * X and Y only where too few others have room. So no slice is read by two trains, or read and written, at the same
 * time, except where the schedule makes them take turns. Precondition: tiling. Fails with the slices needed and the
 * slices there are when the product does not fit.
 */
final class AllocationPhase {
    private AllocationPhase() {
    }

    /** A group of slices, one per plane, filled from its first free address up to {@code words}. */
    private static final class Group {
        final int[] slices;
        final int words;
        int next;

        Group(int[] slices, int words) {
            this.slices = slices;
            this.words = words;
        }
    }

    /** Hands out tiles from a pool of groups, opening a new group when a tile does not fit the current one. */
    private static final class Pool {
        final List<Group> groups = new ArrayList<>();
        final int width;

        Pool(int width) {
            this.width = width;
        }
    }

    static void run(KernelContext ctx) {
        if (ctx.fixed == null) {
            run(ctx, false);
            return;
        }
        // over weights placed before: keep X and Y off the weights' slices where there is room elsewhere, so that
        // their reads do not take turns with the weights' on one slice; else anywhere
        SramMap before = ctx.sram;
        try {
            run(ctx, true);
        } catch (CompileException crowded) {
            ctx.sram = before;
            run(ctx, false);
        }
    }

    private static void run(KernelContext ctx, boolean avoidWeights) {
        int words = ctx.sram.ceiling();
        int m = ctx.problem.m();
        int resultWidth = ctx.problem.resultType().bytes();
        int units = ctx.units.size();
        ctx.xTiles = new Tile[units][];
        ctx.wTiles = new Tile[units][][];
        ctx.yTiles = new Tile[units][];
        SramMap taken = ctx.sram;
        for (boolean west : new boolean[] {true, false}) {
            int center = ctx.chip.floorplan().center();
            List<Slice> free = new ArrayList<>(ctx.chip.floorplan().slicesOf(SliceKind.MEM).stream()
                    .filter(s -> (s.position() < center) == west && taken.top(s.position()) < words).toList());
            free.sort(Comparator.comparingInt(s -> west ? s.position() : -s.position()));
            List<Unit> here = ctx.units.stream().filter(u -> u.west() == west).toList();
            Cursor cursor = new Cursor(free, taken, words, () -> new CompileException("it needs about "
                    + needed(ctx, here, words, resultWidth) + " free MEM slices in the " + (west ? "west" : "east")
                    + " hemisphere for its tiles (W, X for each unit, Y), but " + ctx.chip.name() + " has "
                    + free.size() + " with room left; use more chips or a smaller problem"));
            if (avoidWeights) {
                java.util.Set<Integer> weightSlices = new java.util.TreeSet<>();
                for (Tile[][] unit : ctx.fixed.wTiles) {
                    for (Tile[] work : unit) {
                        for (Tile t : work) {
                            for (int sl : t.slices()) {
                                weightSlices.add(sl);
                            }
                        }
                    }
                }
                for (int i = 0; i < free.size(); i++) {
                    cursor.used[i] |= weightSlices.contains(free.get(i).position());
                }
            }
            // X and Y first, in groups of their own slices; then every W tile over the slices left, each row group
            // at its own address (so that the weights fill what the kernels before left, whatever its shape)
            List<Pool> pools = new ArrayList<>();
            for (Unit u : here) {
                Pool xPool = new Pool(ctx.width);
                Pool yPool = new Pool(resultWidth);
                ctx.xTiles[u.index()] = new Tile[ctx.kTiles];
                for (int kt = 0; kt < ctx.kTiles; kt++) {
                    ctx.xTiles[u.index()][kt] = take(xPool, m, cursor);
                }
                ctx.yTiles[u.index()] = new Tile[u.work().size()];
                for (int wi = 0; wi < u.work().size(); wi++) {
                    ctx.yTiles[u.index()][wi] = take(yPool, u.work().get(wi).rows(), cursor);
                }
                pools.add(xPool);
                pools.add(yPool);
            }
            Spread spread = new Spread(cursor, ctx.chip.mxm().weightStreams(), ctx.width, pools,
                    ctx.chosen != null ? ctx.weightCopies : 1, ctx.chip.mem().banks());
            for (Unit u : here) {
                ctx.wTiles[u.index()] = ctx.fixed != null ? ctx.fixed.wTiles[u.index()]
                        : new Tile[u.work().size()][ctx.kTiles];
                for (int wi = 0; wi < u.work().size() && ctx.fixed == null; wi++) {
                    for (int kt = 0; kt < ctx.kTiles; kt++) {
                        ctx.wTiles[u.index()][wi][kt] = spread.take(ctx.weightTileWords(kt));
                    }
                }
            }
            for (Pool pool : pools) {
                for (Group g : pool.groups) {
                    for (int slice : g.slices) {
                        ctx.sram = ctx.sram.raise(slice, g.next);
                    }
                }
            }
            for (int i = 0; i < free.size(); i++) {
                int slice = free.get(i).position();
                ctx.sram = ctx.sram.raise(slice, spread.blocksTop(i));
                if (ctx.chosen != null) {
                    ctx.chosen.block[slice] = spread.block(i);
                }
            }
        }
    }

    /**
     * Places W tiles over the hemisphere's slices that X and Y left unused (theirs too where too few are left):
     * each tile on the {@code streams} slices with the most room (nearest the MXM among equals), paired into row
     * groups of {@code width} slices (one per byte plane) that share an address, each group at the top of its own
     * slices.
     */
    private static final class Spread {
        final Cursor cursor;
        final int streams;
        final int width;
        final int[] top;
        /**
         * Copies of every W tile, in blocks ({@link ChosenCopy}): a slice's tiles of copy 0 from {@code start} to
         * {@code top}, then as many words for each further copy; 1 where tiles hold their copies themselves.
         */
        final int blockCopies;
        final int[] start;
        final int banks;

        /** Over what earlier kernels took and what this kernel's X and Y ({@code pools}) took. */
        Spread(Cursor cursor, int streams, int width, List<Pool> pools, int blockCopies, int banks) {
            this.cursor = cursor;
            this.streams = streams;
            this.width = width;
            this.blockCopies = blockCopies;
            this.banks = banks;
            this.top = new int[cursor.free.size()];
            for (int i = 0; i < top.length; i++) {
                int position = cursor.free.get(i).position();
                top[i] = cursor.taken.top(position);
                for (Pool pool : pools) {
                    for (Group g : pool.groups) {
                        for (int slice : g.slices) {
                            if (slice == position) {
                                top[i] = Math.max(top[i], g.next);
                            }
                        }
                    }
                }
            }
            this.start = top.clone();
        }

        /**
         * Words between two copies of slice i's W tiles: copy 0's, rounded up to a whole number of banks (0 where
         * none lie), so that every copy of a word is in the same bank as copy 0's.
         */
        int block(int i) {
            return roundToBanks(top[i] - start[i]);
        }

        private int roundToBanks(int words) {
            return (words + banks - 1) / banks * banks;
        }

        /** Words slice i holds so far, every copy's block counted: how full it is. */
        int footprint(int i) {
            return blockCopies == 1 ? top[i] : start[i] + blockCopies * (top[i] - start[i]);
        }

        /** The top of slice i with every copy's block. */
        int blocksTop(int i) {
            return blockCopies == 1 ? top[i] : start[i] + blockCopies * block(i);
        }

        /** Whether slice i has room for {@code size} more words of copy 0 at {@code from}, every copy counted. */
        boolean fits(int i, int from, int size) {
            if (blockCopies == 1) {
                return from + size <= cursor.words;
            }
            return start[i] + (long) blockCopies * roundToBanks(from + size - start[i]) <= cursor.words;
        }

        Tile take(int size) {
            // the slices with room that X and Y of this kernel do not use (their reads would take turns with the
            // weights'), the emptiest first; then, if too few, theirs
            List<Integer> cand = new ArrayList<>();
            for (int i = 0; i < top.length; i++) {
                if (!cursor.used[i] && fits(i, top[i], size)) {
                    cand.add(i);
                }
            }
            cand.sort(Comparator.<Integer>comparingInt(this::footprint).thenComparingInt(i -> i));
            if (cand.size() < streams) {
                // too few: the slices of this kernel's X and Y too, after the others (their reads then take turns
                // with the weights', which the schedule arranges)
                List<Integer> shared = new ArrayList<>();
                for (int i = 0; i < top.length; i++) {
                    if (cursor.used[i] && fits(i, top[i], size)) {
                        shared.add(i);
                    }
                }
                shared.sort(Comparator.<Integer>comparingInt(this::footprint).thenComparingInt(i -> i));
                cand.addAll(shared);
            }
            if (cand.size() < streams) {
                int most = 0;
                for (int i = 0; i < top.length; i++) {
                    most = Math.max(most, cursor.words - top[i]);
                }
                CompileException general = cursor.full.get();
                if (top.length < streams) {
                    throw general;
                }
                String tile = blockCopies == 1 ? size + " words" : size + " words (" + blockCopies + " copies: "
                        + (long) blockCopies * size + " words)";
                throw new CompileException(general.getMessage().replaceFirst("; use more chips", "; a W tile of "
                        + tile + " needs " + streams + " slices with that much room, and " + cand.size()
                        + " of them have it (the most any has: " + most + " words); use more chips"));
            }
            int[] slices = new int[streams];
            int[] addresses = new int[streams];
            for (int j = 0; j < streams / width; j++) {
                int address = 0;
                for (int b = 0; b < width; b++) {
                    address = Math.max(address, top[cand.get(j * width + b)]);
                }
                for (int b = 0; b < width; b++) {
                    int i = cand.get(j * width + b);
                    if (!fits(i, address, size)) {
                        // the group starts above this slice's own top, and its copies no longer fit
                        throw cursor.full.get();
                    }
                    slices[j * width + b] = cursor.free.get(i).position();
                    addresses[j * width + b] = address;
                    top[i] = address + size;
                }
            }
            return new Tile(slices, addresses, size);
        }
    }

    /** The slices of a hemisphere not yet used by this kernel, nearest the MXM first. */
    private static final class Cursor {
        final List<Slice> free;
        final boolean[] used;
        final SramMap taken;
        final int words;
        final java.util.function.Supplier<CompileException> full;

        Cursor(List<Slice> free, SramMap taken, int words, java.util.function.Supplier<CompileException> full) {
            this.free = free;
            this.used = new boolean[free.size()];
            this.taken = taken;
            this.words = words;
            this.full = full;
        }

        /**
         * Opens a group of {@code width} slices (for X or Y) among the unused ones with room for at least
         * {@code size} words above what earlier kernels took, wasting the fewest words below the group's start
         * (it starts above everything taken in any of them) and, among equals, the fullest (so that the slices
         * each kernel keeps out of its W tiles are not always the same: W fills the emptiest), then the nearest
         * the MXM.
         */
        Group open(int width, int size) {
            // candidates: unused slices with room, by their top, then nearest the MXM; a group starts above the
            // highest top of its slices, so take the run of `width` candidates that wastes fewest words below that
            // start (in empty SRAM: the nearest slices, as before)
            List<Integer> cand = new ArrayList<>();
            for (int i = 0; i < free.size(); i++) {
                if (!used[i] && taken.top(free.get(i).position()) + size <= words) {
                    cand.add(i);
                }
            }
            if (cand.size() < width) {
                int most = 0;
                int unused = 0;
                for (int i = 0; i < free.size(); i++) {
                    if (!used[i]) {
                        most = Math.max(most, words - taken.top(free.get(i).position()));
                        unused++;
                    }
                }
                CompileException general = full.get();
                if (unused < width) {
                    throw general;
                }
                // slices enough, but too full: say how much room a tile needs and how much there is
                throw new CompileException(general.getMessage().replaceFirst("; use more chips", "; a tile of "
                        + size + " words needs " + width + " slices with that much room, and " + cand.size()
                        + " of them have it (the most any has: " + most + " words); use more chips"));
            }
            cand.sort(Comparator.<Integer>comparingInt(i -> taken.top(free.get(i).position())).thenComparingInt(i -> i));
            int bestAt = -1;
            long bestWaste = Long.MAX_VALUE;
            int bestTop = -1;
            int bestNearest = Integer.MAX_VALUE;
            for (int w = 0; w + width <= cand.size(); w++) {
                int top = taken.top(free.get(cand.get(w + width - 1)).position());
                long waste = 0;
                int nearest = Integer.MAX_VALUE;
                for (int q = w; q < w + width; q++) {
                    waste += top - taken.top(free.get(cand.get(q)).position());
                    nearest = Math.min(nearest, cand.get(q));
                }
                if (waste < bestWaste || waste == bestWaste && (top > bestTop
                        || top == bestTop && nearest < bestNearest)) {
                    bestAt = w;
                    bestWaste = waste;
                    bestTop = top;
                    bestNearest = nearest;
                }
            }
            int[] picked = new int[width];
            for (int q = 0; q < width; q++) {
                picked[q] = cand.get(bestAt + q);
            }
            java.util.Arrays.sort(picked);
            int[] slices = new int[width];
            int start = 0;
            for (int q = 0; q < width; q++) {
                slices[q] = free.get(picked[q]).position();
                start = Math.max(start, taken.top(slices[q]));
            }
            for (int p = 0; p < width; p++) {
                used[picked[p]] = true;
            }
            Group g = new Group(slices, words);
            g.next = start;
            return g;
        }
    }

    /** Slices the hemisphere's units would need in empty SRAM (for the error message). */
    private static int needed(KernelContext ctx, List<Unit> here, int words, int resultWidth) {
        int needed = 0;
        for (Unit u : here) {
            needed += groupsFor(ctx, u, "W", words) * ctx.chip.mxm().weightStreams()
                    + groupsFor(ctx, u, "X", words) * ctx.width + groupsFor(ctx, u, "Y", words) * resultWidth;
        }
        return needed;
    }

    /** Groups of slices a unit's W, X or Y tiles need, packed whole into slices of {@code words} words. */
    private static int groupsFor(KernelContext ctx, Unit u, String tensor, int words) {
        int groups = 0;
        int used = words;
        List<Integer> sizes = new ArrayList<>();
        if (tensor.equals("W")) {
            for (Work ignored : u.work()) {
                for (int kt = 0; kt < ctx.kTiles; kt++) {
                    // every copy, where data chooses one (its copies lie in blocks above copy 0's)
                    sizes.add(ctx.weightTileWords(kt) * (ctx.chosen != null ? ctx.weightCopies : 1));
                }
            }
        } else if (tensor.equals("Y")) {
            u.work().forEach(w -> sizes.add(w.rows()));
        } else {
            for (int kt = 0; kt < ctx.kTiles; kt++) {
                sizes.add(ctx.problem.m());
            }
        }
        for (int size : sizes) {
            if (used + size > words) {
                groups++;
                used = 0;
            }
            used += size;
        }
        return groups;
    }

    /** First fit over the pool's groups; a new group from the cursor when none has room. */
    private static Tile take(Pool pool, int size, Cursor cursor) {
        for (Group g : pool.groups) {
            if (g.next + size <= g.words) {
                Tile t = Tile.at(g.slices, g.next, size);
                g.next += size;
                return t;
            }
        }
        Group g = cursor.open(pool.width, size);
        pool.groups.add(g);
        Tile t = Tile.at(g.slices, g.next, size);
        g.next += size;
        return t;
    }
}
