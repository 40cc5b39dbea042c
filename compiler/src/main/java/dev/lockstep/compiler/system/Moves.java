// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.Streams;
import dev.lockstep.isa.chip.Queue;
import dev.lockstep.isa.chip.Slice;
import java.util.List;

/**
 * Copies of SRAM words within one chip, between a kernel's tensors and a link lane's staging buffer, so that
 * exchanges carry the kernels' real data. All words travel on one stream in one direction; a word read at
 * position p at cycle r is at position x at r + R + |p - x| (R the read latency), so two words can only ever meet
 * if they are on the same diagonal (arrival cycle + target position, westward; arrival - target, eastward). Words
 * are placed in order, each at the first arrival cycle after the previous one whose diagonal is new and whose
 * read does not fall on a cycle its source slice already reads; the copy holds the chip from its first read to its
 * last write.
 */
public final class Moves {
    /** The stream a copy uses (the exchanges' lanes use 0..13; copies never overlap them in time on a chip). */
    static final int STREAM = 15;

    private Moves() {
    }

    /** A word of SRAM: a MEM slice's floorplan position and an address. */
    public record Word(int position, int address) {
    }

    /** Copies {@code from} words, in order, to staging addresses 0.. of send lane 0. Returns the end cycle. */
    public static long toSendStaging(SystemBuild build, int chip, List<Word> from, long notBefore) {
        Slice target = build.lanes().staging[0];
        List<Word> to = new java.util.ArrayList<>();
        for (int i = 0; i < from.size(); i++) {
            to.add(new Word(target.position(), i));
        }
        return copy(build, chip, from, to, notBefore);
    }

    /** Copies staging addresses 0.. of receive lane {@code lane} to the {@code to} words. Returns the end cycle. */
    public static long fromReceiveStaging(SystemBuild build, int chip, int lane, List<Word> to, long notBefore) {
        Slice source = build.lanes().staging[Exchange.Lanes.LANES + lane];
        List<Word> from = new java.util.ArrayList<>();
        for (int i = 0; i < to.size(); i++) {
            from.add(new Word(source.position(), i));
        }
        return copy(build, chip, from, to, notBefore);
    }

    /** Copies word i of {@code from} to word i of {@code to}, all on one chip. Returns the end cycle. */
    public static long copy(SystemBuild build, int chip, List<Word> from, List<Word> to, long notBefore) {
        if (from.size() != to.size() || from.isEmpty()) {
            throw new IllegalArgumentException("a copy takes as many words as it gives, at least one");
        }
        Exchange.Lanes lanes = build.lanes();
        ChipBuild c = build.chip(chip);
        // one direction for the whole copy: toward the targets from every source
        int minFrom = Integer.MAX_VALUE;
        int maxFrom = Integer.MIN_VALUE;
        int minTo = Integer.MAX_VALUE;
        int maxTo = Integer.MIN_VALUE;
        for (int i = 0; i < from.size(); i++) {
            minFrom = Math.min(minFrom, from.get(i).position());
            maxFrom = Math.max(maxFrom, from.get(i).position());
            minTo = Math.min(minTo, to.get(i).position());
            maxTo = Math.max(maxTo, to.get(i).position());
        }
        boolean west = maxTo < minFrom;
        if (!west && !(minTo > maxFrom)) {
            throw new IllegalArgumentException("a copy needs all its sources on one side of all its targets");
        }
        long stream = west ? Streams.west(STREAM) : Streams.east(STREAM);
        long longest = 0;
        for (int i = 0; i < from.size(); i++) {
            longest = Math.max(longest, Math.abs(from.get(i).position() - to.get(i).position()) * lanes.hop);
        }
        // plan relative to cycle 0, then find a free interval for the whole copy and shift it there
        long[] arrive = new long[from.size()];
        java.util.Set<Long> diagonals = new java.util.HashSet<>();
        java.util.Set<List<Long>> reads = new java.util.HashSet<>();
        long a = lanes.readLatency + longest - 1;
        for (int i = 0; i < from.size(); i++) {
            Word f = from.get(i);
            Word t = to.get(i);
            long dist = Math.abs(f.position() - t.position()) * lanes.hop;
            while (true) {
                a++;
                long diagonal = west ? a + t.position() * lanes.hop : a - t.position() * lanes.hop;
                long read = a - lanes.readLatency - dist;
                if (read >= 0 && !diagonals.contains(diagonal)
                        && !reads.contains(List.of((long) f.position(), read))) {
                    diagonals.add(diagonal);
                    reads.add(List.of((long) f.position(), read));
                    arrive[i] = a;
                    break;
                }
            }
        }
        long duration = arrive[from.size() - 1] + lanes.writeLatency + 1;
        long start = c.earliestFree(notBefore, duration);
        for (int i = 0; i < from.size(); i++) {
            Word f = from.get(i);
            Word t = to.get(i);
            long at = start + arrive[i];
            long read = at - lanes.readLatency - Math.abs(f.position() - t.position()) * lanes.hop;
            c.put(memQueue(build, f.position()), read, Instruction.of(Opcode.READ, stream, f.address(), 1, 1));
            c.put(memQueue(build, t.position()), at, Instruction.of(Opcode.WRITE, t.address(), stream, 1, 1));
        }
        return c.advance(start, start + duration);
    }

    private static Queue memQueue(SystemBuild build, int position) {
        return build.chip().floorplan().queues().stream().filter(q -> q.slice().position() == position)
                .findFirst().orElseThrow();
    }
}
