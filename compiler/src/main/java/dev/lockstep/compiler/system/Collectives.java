// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.ScheduleOptions;
import dev.lockstep.compiler.SramMap;
import dev.lockstep.compiler.vector.VectorCompiler;
import dev.lockstep.compiler.vector.VectorGraph;
import dev.lockstep.isa.Opcode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collectives among chips that are all directly linked (the chips of a node), built from {@link Exchange}s and
 * sum kernels. Sizes are in f32 vectors of the chip's lanes (a vector of {@code w}-byte values moves as w words).
 */
public final class Collectives {
    private final SystemBuild build;
    private final Map<List<Object>, CompiledKernel> sums = new HashMap<>();

    public Collectives(SystemBuild build) {
        this.build = build;
    }

    /** Words one f32 vector takes on a link: one per byte plane. */
    static final int F32_WORDS = 4;

    /** Sends {@code words} words from {@code root} to every other member at once. Returns the end cycle. */
    public long broadcast(int root, List<Integer> members, int words, long notBefore) {
        List<Exchange.Flow> flows = new ArrayList<>();
        for (int m : members) {
            if (m != root) {
                flows.add(new Exchange.Flow(root, m, words));
            }
        }
        return flows.isEmpty() ? notBefore : Exchange.run(build, flows, notBefore);
    }

    /**
     * Sums {@code vectors} f32 vectors of every member on {@code root}: the others send theirs at once, then the
     * root adds them. Returns the end cycle.
     */
    public long reduce(int root, List<Integer> members, int vectors, long notBefore) {
        List<Exchange.Flow> flows = new ArrayList<>();
        for (int m : members) {
            if (m != root) {
                flows.add(new Exchange.Flow(m, root, vectors * F32_WORDS));
            }
        }
        long t = flows.isEmpty() ? notBefore : Exchange.run(build, flows, notBefore);
        return members.size() < 2 ? t : build.chip(root).place(sum(root, members.size(), vectors), t);
    }

    /**
     * Every member ends with the sum of all members' {@code vectors} f32 vectors: reduce-scatter (member i owns
     * segment i and receives it from every other member at once), a sum on each member, all-gather (each member
     * sends its summed segment to every other at once). Returns the end cycle.
     */
    public long allReduce(List<Integer> members, int vectors, long notBefore) {
        int n = members.size();
        if (n < 2) {
            return notBefore;
        }
        int[] segment = new int[n];
        for (int i = 0; i < n; i++) {
            segment[i] = vectors / n + (i < vectors % n ? 1 : 0);
        }
        List<Exchange.Flow> scatter = new ArrayList<>();
        List<Exchange.Flow> gather = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j && segment[j] > 0) {
                    scatter.add(new Exchange.Flow(members.get(i), members.get(j), segment[j] * F32_WORDS));
                }
                if (i != j && segment[i] > 0) {
                    gather.add(new Exchange.Flow(members.get(i), members.get(j), segment[i] * F32_WORDS));
                }
            }
        }
        long t = Exchange.run(build, scatter, notBefore);
        long summed = t;
        for (int i = 0; i < n; i++) {
            if (segment[i] > 0) {
                summed = Math.max(summed, build.chip(members.get(i)).place(sum(members.get(i), n, segment[i]), t));
            }
        }
        return Exchange.run(build, gather, summed);
    }

    /** The sum kernel {@link #allReduce} would place on {@code chip} now (for tests that derive its cycles). */
    public CompiledKernel sumForTest(int chip, int inputs, int vectors) {
        return sum(chip, inputs, vectors);
    }

    /** A kernel adding {@code inputs} rows of {@code vectors} f32 vectors, compiled into the chip's free SRAM. */
    CompiledKernel sum(int chip, int inputs, int vectors) {
        SramMap taken = build.chip(chip).sram();
        return sums.computeIfAbsent(List.of(inputs, vectors, taken), k -> {
            VectorGraph g = new VectorGraph(build.chip().vectorBytes());
            List<VectorGraph.Ref> out = new ArrayList<>();
            for (int v = 0; v < vectors; v++) {
                VectorGraph.Ref acc = g.input(new double[0], 0);
                for (int i = 1; i < inputs; i++) {
                    acc = g.binary(Opcode.VADD, acc, g.input(new double[0], 0));
                }
                out.add(acc);
            }
            g.output("sum", out);
            return VectorCompiler.compile(build.chip(), g, ScheduleOptions.DEFAULT, taken);
        });
    }
}
