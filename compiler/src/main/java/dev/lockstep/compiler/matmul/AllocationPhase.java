// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.matmul;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.isa.chip.Slice;
import dev.lockstep.isa.chip.SliceKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Places every tile in SRAM, in the hemisphere of the unit that uses it. Each unit gets its own groups of slices
 * (one slice per byte plane) for W, for X (copied for every unit, so that no two units read one slice at once) and
 * for Y, so that no slice is read by two trains, or read and written, at the same time. Slices nearest the MXM go
 * first. Precondition: tiling. Fails with the slices needed and the slices there are when the product does not
 * fit.
 */
final class AllocationPhase {
    private AllocationPhase() {
    }

    /** A group of slices, one per plane, filled from address 0 up. */
    private static final class Group {
        final int[] slices;
        int next;

        Group(int[] slices) {
            this.slices = slices;
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
        int words = ctx.chip.mem().wordsPerSlice();
        int m = ctx.problem.m();
        int resultWidth = ctx.problem.resultType().bytes();
        int units = ctx.units.size();
        ctx.xTiles = new Tile[units][];
        ctx.wTiles = new Tile[units][][];
        ctx.yTiles = new Tile[units][];
        for (boolean west : new boolean[] {true, false}) {
            int center = ctx.chip.floorplan().center();
            List<Slice> free = new ArrayList<>(ctx.chip.floorplan().slicesOf(SliceKind.MEM).stream()
                    .filter(s -> (s.position() < center) == west).toList());
            free.sort(Comparator.comparingInt(s -> west ? s.position() : -s.position()));
            List<Unit> here = ctx.units.stream().filter(u -> u.west() == west).toList();
            int needed = 0;
            List<int[]> demands = new ArrayList<>();
            for (Unit u : here) {
                int wGroups = groupsFor(ctx, u, "W", words);
                int xGroups = groupsFor(ctx, u, "X", words);
                int yGroups = groupsFor(ctx, u, "Y", words);
                demands.add(new int[] {wGroups, xGroups, yGroups});
                needed += (wGroups + xGroups) * ctx.width + yGroups * resultWidth;
            }
            if (needed > free.size()) {
                throw new CompileException("it needs " + needed + " MEM slices in the "
                        + (west ? "west" : "east") + " hemisphere for its tiles (W, X for each unit, Y), but "
                        + ctx.chip.name() + " has " + free.size() + "; use more chips or a smaller problem");
            }
            int cursor = 0;
            for (int i = 0; i < here.size(); i++) {
                Unit u = here.get(i);
                int[] d = demands.get(i);
                Pool wPool = new Pool(ctx.width);
                Pool xPool = new Pool(ctx.width);
                Pool yPool = new Pool(resultWidth);
                cursor = open(wPool, d[0], free, cursor);
                cursor = open(xPool, d[1], free, cursor);
                cursor = open(yPool, d[2], free, cursor);
                ctx.wTiles[u.index()] = new Tile[u.work().size()][ctx.kTiles];
                for (int wi = 0; wi < u.work().size(); wi++) {
                    for (int kt = 0; kt < ctx.kTiles; kt++) {
                        ctx.wTiles[u.index()][wi][kt] = take(wPool, ctx.rows(kt), words);
                    }
                }
                ctx.xTiles[u.index()] = new Tile[ctx.kTiles];
                for (int kt = 0; kt < ctx.kTiles; kt++) {
                    ctx.xTiles[u.index()][kt] = take(xPool, m, words);
                }
                ctx.yTiles[u.index()] = new Tile[u.work().size()];
                for (int wi = 0; wi < u.work().size(); wi++) {
                    ctx.yTiles[u.index()][wi] = take(yPool, u.work().get(wi).rows(), words);
                }
            }
        }
    }

    /** Groups of slices a unit's W, X or Y tiles need, packed whole into slices of {@code words} words. */
    private static int groupsFor(KernelContext ctx, Unit u, String tensor, int words) {
        int groups = 0;
        int used = words;
        List<Integer> sizes = new ArrayList<>();
        if (tensor.equals("W")) {
            for (Work ignored : u.work()) {
                for (int kt = 0; kt < ctx.kTiles; kt++) {
                    sizes.add(ctx.rows(kt));
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

    private static int open(Pool pool, int groups, List<Slice> free, int cursor) {
        for (int g = 0; g < groups; g++) {
            int[] slices = new int[pool.width];
            for (int p = 0; p < pool.width; p++) {
                slices[p] = free.get(cursor++).position();
            }
            pool.groups.add(new Group(slices));
        }
        return cursor;
    }

    private static Tile take(Pool pool, int size, int words) {
        for (Group g : pool.groups) {
            if (g.next + size <= words) {
                Tile t = new Tile(g.slices, g.next, size);
                g.next += size;
                return t;
            }
        }
        throw new IllegalStateException("allocation undercounted its groups");
    }
}
