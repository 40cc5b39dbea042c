// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.Streams;
import dev.lockstep.isa.chip.Queue;
import dev.lockstep.isa.chip.Slice;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Copies of SRAM words within one chip, between a kernel's tensors and a link lane's staging buffer, so that
 * exchanges carry the kernels' real data. All words of a copy travel in one direction (a copy with words going both
 * ways is done as two, westward first), each on one of the streams the link lanes do not take ({@link #STREAM} and
 * those above it but the highest, which {@link EastLanes} take: 16 streams on tsp-v1); a word read at position p at
 * cycle r is at position x at r + R + |p - x| (R the read latency), so two words on one stream can only ever meet if
 * they are on the same diagonal (arrival cycle + target position, westward; arrival - target, eastward). Words are
 * placed in order, each at the first arrival cycle and the first stream on which its diagonal is new and its read
 * and write fall on cycles their slices' MEM queues are free (one instruction a cycle each), so that words of other
 * slices fill the cycles between one slice's; the copy holds the chip from its first read to its last write, so no
 * kernel's streams are busy.
 */
public final class Moves {
    /** The first stream a copy uses (the exchanges' lanes use 0..13; copies never overlap them in time on a chip). */
    static final int STREAM = 15;

    private Moves() {
    }

    /** A word of SRAM: a MEM slice's floorplan position and an address. */
    public record Word(int position, int address) {
    }

    /** Copies {@code from} words, in order, to staging addresses 0.. of send lane 0. Returns the end cycle. */
    public static long toSendStaging(SystemBuild build, int chip, List<Word> from, long notBefore) {
        return toSendStaging(build, chip, 0, from, notBefore);
    }

    /**
     * Copies {@code from} words, in order, to staging addresses 0.. of send lane {@code lane} (a chip's k-th flow of
     * an exchange sends from lane k). Returns the end cycle.
     */
    public static long toSendStaging(SystemBuild build, int chip, int lane, List<Word> from, long notBefore) {
        checkStaging(from.size(), lane);
        Slice target = build.lanes().staging[lane];
        List<Word> to = new ArrayList<>();
        for (int i = 0; i < from.size(); i++) {
            to.add(new Word(target.position(), i));
        }
        return copy(build, chip, from, to, notBefore);
    }

    /** Copies staging addresses 0.. of receive lane {@code lane} to the {@code to} words. Returns the end cycle. */
    public static long fromReceiveStaging(SystemBuild build, int chip, int lane, List<Word> to, long notBefore) {
        checkStaging(to.size(), lane);
        Slice source = build.lanes().staging[Exchange.Lanes.LANES + lane];
        List<Word> from = new ArrayList<>();
        for (int i = 0; i < to.size(); i++) {
            from.add(new Word(source.position(), i));
        }
        return copy(build, chip, from, to, notBefore);
    }

    private static void checkStaging(int words, int lane) {
        if (words > Exchange.Lanes.STAGING_WORDS || lane < 0 || lane >= Exchange.Lanes.LANES) {
            throw new IllegalArgumentException("a staging buffer holds at most " + Exchange.Lanes.STAGING_WORDS
                    + " words and lanes are 0.." + (Exchange.Lanes.LANES - 1) + "; got " + words + " words on lane "
                    + lane);
        }
    }

    /** Copies word i of {@code from} to word i of {@code to}, all on one chip. Returns the end cycle. */
    public static long copy(SystemBuild build, int chip, List<Word> from, List<Word> to, long notBefore) {
        if (from.size() != to.size() || from.isEmpty()) {
            throw new IllegalArgumentException("a copy takes as many words as it gives, at least one");
        }
        Exchange.Lanes lanes = build.lanes();
        ChipBuild c = build.chip(chip);
        // one direction for the whole copy: toward the targets from every source
        // one direction for every word that moves (a word copied within its own slice needs no hop)
        int westward = 0;
        int eastward = 0;
        for (int i = 0; i < from.size(); i++) {
            int d = to.get(i).position() - from.get(i).position();
            westward += d < 0 ? 1 : 0;
            eastward += d > 0 ? 1 : 0;
        }
        if (westward > 0 && eastward > 0) {
            // one copy per direction, one after the other
            List<Word> wf = new ArrayList<>();
            List<Word> wt = new ArrayList<>();
            List<Word> ef = new ArrayList<>();
            List<Word> et = new ArrayList<>();
            for (int i = 0; i < from.size(); i++) {
                boolean west = to.get(i).position() < from.get(i).position();
                (west ? wf : ef).add(from.get(i));
                (west ? wt : et).add(to.get(i));
            }
            return copy(build, chip, ef, et, copy(build, chip, wf, wt, notBefore));
        }
        Planned p = plan(build, from, to);
        long start = c.earliestFree(notBefore, p.duration());
        emit(build, chip, p, start);
        return c.advance(start, start + p.duration());
    }

    /**
     * A copy in one direction planned from its start: word i written {@code arrive[i]} cycles after it on stream index
     * {@code streams[i]}, the last write visible {@code duration} cycles after it.
     */
    private record Planned(List<Word> from, List<Word> to, boolean west, long[] arrive, int[] streams,
                           long duration) {
        Planned {
            from = List.copyOf(from);
            to = List.copyOf(to);
            arrive = arrive.clone();
            streams = streams.clone();
        }
    }

    /**
     * The streams a copy may take, by index in its direction: {@link #STREAM} up to the one below the chip's highest
     * (the east lanes' own).
     */
    private static int[] copyStreams(SystemBuild build) {
        int top = Math.max(STREAM, build.chip().streamsPerDirection() - 2);
        int[] out = new int[top - STREAM + 1];
        for (int i = 0; i < out.length; i++) {
            out[i] = STREAM + i;
        }
        return out;
    }

    /**
     * Plans the copy of word i of {@code from} to word i of {@code to} ({@link #copy}'s words in order, each at the
     * first cycle and the first stream on which its diagonal is new and its read and write fall on cycles their
     * slices' queues are free). The words are read in any order, so no target may be another word's source.
     *
     * @throws IllegalArgumentException if words move both ways (copy them as two)
     */
    private static Planned plan(SystemBuild build, List<Word> from, List<Word> to) {
        if (from.size() != to.size() || from.isEmpty()) {
            throw new IllegalArgumentException("a copy takes as many words as it gives, at least one");
        }
        Exchange.Lanes lanes = build.lanes();
        boolean west = false;
        boolean east = false;
        for (int i = 0; i < from.size(); i++) {
            int d = to.get(i).position() - from.get(i).position();
            west |= d < 0;
            east |= d > 0;
        }
        if (west && east) {
            throw new IllegalArgumentException("a planned copy moves its words one way; these go both ways");
        }
        long longest = 0;
        for (int i = 0; i < from.size(); i++) {
            longest = Math.max(longest, Math.abs(from.get(i).position() - to.get(i).position()) * lanes.hop);
        }
        int[] streams = copyStreams(build);
        // plan relative to cycle 0, then find a free interval for the whole copy and shift it there
        long[] arrive = new long[from.size()];
        int[] on = new int[from.size()];
        // per stream, the diagonals taken
        Set<List<Long>> diagonals = new HashSet<>();
        // each slice's MEM queue issues one instruction per cycle (reads and writes alike)
        Set<List<Long>> issues = new HashSet<>();
        long first = lanes.readLatency + longest;
        for (int i = 0; i < from.size(); i++) {
            Word f = from.get(i);
            Word t = to.get(i);
            long dist = Math.abs(f.position() - t.position()) * lanes.hop;
            boolean placed = false;
            for (long a = first; !placed; a++) {
                long diagonal = west ? a + t.position() * lanes.hop : a - t.position() * lanes.hop;
                long read = a - lanes.readLatency - dist;
                List<Long> readAt = List.of((long) f.position(), read);
                List<Long> writeAt = List.of((long) t.position(), a);
                if (read < 0 || issues.contains(readAt) || issues.contains(writeAt) || readAt.equals(writeAt)) {
                    continue;
                }
                for (int k = 0; k < streams.length && !placed; k++) {
                    if (diagonals.add(List.of((long) k, diagonal))) {
                        issues.add(readAt);
                        issues.add(writeAt);
                        arrive[i] = a;
                        on[i] = streams[k];
                        placed = true;
                    }
                }
            }
        }
        long last = 0;
        for (long x : arrive) {
            last = Math.max(last, x);
        }
        return new Planned(from, to, west, arrive, on, last + lanes.writeLatency + 1);
    }

    /**
     * Puts planned copy {@code p}'s instructions on chip {@code chip} from cycle {@code start}; the caller holds the
     * chip from {@code start} for {@code p.duration()} cycles.
     */
    private static void emit(SystemBuild build, int chip, Planned p, long start) {
        Exchange.Lanes lanes = build.lanes();
        ChipBuild c = build.chip(chip);
        // each queue's instructions in cycle order (words are planned in order, not their cycles)
        List<long[]> issues = new ArrayList<>();
        for (int i = 0; i < p.from().size(); i++) {
            Word f = p.from().get(i);
            Word t = p.to().get(i);
            long at = start + p.arrive()[i];
            long read = at - lanes.readLatency - Math.abs(f.position() - t.position()) * lanes.hop;
            issues.add(new long[] {read, i, 0});
            issues.add(new long[] {at, i, 1});
        }
        issues.sort(Comparator.<long[]>comparingLong(x -> x[0]).thenComparingLong(x -> x[1])
                .thenComparingLong(x -> x[2]));
        for (long[] x : issues) {
            int i = (int) x[1];
            Word f = p.from().get(i);
            Word t = p.to().get(i);
            long stream = p.west() ? Streams.west(p.streams()[i]) : Streams.east(p.streams()[i]);
            if (x[2] == 0) {
                c.put(memQueue(build, f.position()), x[0], Instruction.of(Opcode.READ, stream, f.address(), 1, 1));
            } else {
                c.put(memQueue(build, t.position()), x[0], Instruction.of(Opcode.WRITE, t.address(), stream, 1, 1));
            }
        }
    }

    /** The MEM queue of the slice at floorplan position {@code position}. */
    static Queue memQueue(SystemBuild build, int position) {
        return build.chip().floorplan().queues().stream().filter(q -> q.slice().position() == position)
                .findFirst().orElseThrow();
    }
}
