// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.vector;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.ScheduleOptions;
import dev.lockstep.compiler.SramMap;
import dev.lockstep.compiler.schedule.ReservationTable;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.Streams;
import dev.lockstep.isa.TimingParam;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.Queue;
import dev.lockstep.isa.chip.Slice;
import dev.lockstep.isa.chip.SliceKind;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.DataBlock;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.program.ProgramRules;
import dev.lockstep.isa.program.QueueProgram;
import dev.lockstep.isa.program.Region;
import dev.lockstep.isa.program.VectorLayout;
import dev.lockstep.isa.semantics.Lanes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compiles a {@link VectorGraph} for the VXM through two named phases. <b>Allocation</b> gives every vector one MEM
 * slice per byte plane, all in one hemisphere, at one address, such that the inputs of any one operation never
 * share a slice (their planes must all be read in the same cycle) and the least used slices go first. <b>List
 * scheduling</b> takes the operations in dependency order and places each, with the reads that bring its inputs to
 * the VXM exactly at its issue cycle and the writes that take its result to its slices as it passes them, at the
 * earliest cycle that fits the reservation table. An operation whose input was computed by an earlier one is first
 * tried exactly when that result passes the VXM, taking it straight off its stream; otherwise its inputs come back
 * from SRAM, where every result is also written. Emission writes the program with the inputs as initial data and a
 * region per output vector. (Over 400 lines: the two phases share the graph's placement state; splitting them into
 * classes as the matmul compiler's phases are is the next step when this file grows.)
 */
public final class VectorCompiler {
    private VectorCompiler() {
    }

    public static CompiledKernel compile(ChipSpec chip, VectorGraph graph) {
        return compile(chip, graph, ScheduleOptions.DEFAULT);
    }

    /** Compiles with some scheduler choices switched off (see {@link ScheduleOptions}). */
    public static CompiledKernel compile(ChipSpec chip, VectorGraph graph, ScheduleOptions options) {
        return compile(chip, graph, options, SramMap.empty(chip));
    }

    /** Compiles into the SRAM left free by {@code taken} (for kernels that share a chip). */
    public static CompiledKernel compile(ChipSpec chip, VectorGraph graph, ScheduleOptions options, SramMap taken) {
        checkPlaced(chip, graph);
        separatePinnedInputs(graph);
        SramMap after = allocate(chip, graph, taken);
        Scheduler s = new Scheduler(chip, options.chainResults());
        for (VOp op : graph.ops) {
            s.setBases(graph, op);
            s.place(op);
        }
        Program program = emit(chip, graph, s);
        ProgramRules.check(program, chip);
        long bound = lowerBound(chip, graph);
        return new CompiledKernel(program, s.lastEvent + 1, bound,
                "the longer of the VXM ops over its ALU columns and the chain of unit latencies", 0, 1, after);
    }

    // ------------------------------------------------------------------------------------------ separation

    /**
     * The planes of an op's inputs are all read in one cycle, so no two inputs may share a slice. Allocation sees to
     * that for the vectors it places; where two placed vectors (inputs already in SRAM, pinned results) of one op
     * share a slice, the later one is first copied ({@code vmov}) to where allocation puts it.
     */
    private static void separatePinnedInputs(VectorGraph graph) {
        List<VOp> ops = new ArrayList<>();
        for (VOp op : graph.ops) {
            VValue[] inputs = op.inputs().clone();
            for (int i = 0; i < inputs.length; i++) {
                if (!inputs[i].placed) {
                    continue;
                }
                boolean clash = false;
                for (int j = 0; j < i; j++) {
                    if (inputs[j] != inputs[i] && inputs[j].placed && shareSlice(inputs[i], inputs[j])) {
                        clash = true;
                    }
                }
                if (clash) {
                    VValue copy = new VValue(graph.values.size(), inputs[i].type, null);
                    graph.values.add(copy);
                    ops.add(new VOp(Opcode.VMOV, new long[] {copy.type.code()}, new VValue[] {inputs[i]}, 0, copy));
                    inputs[i] = copy;
                }
            }
            ops.add(new VOp(op.opcode(), op.types(), inputs, op.immediate(), op.output()));
        }
        graph.ops.clear();
        graph.ops.addAll(ops);
    }

    /** A placed vector's planes must lie in one hemisphere: an op reads them all on streams of one direction. */
    private static void checkPlaced(ChipSpec chip, VectorGraph graph) {
        int center = chip.floorplan().center();
        for (VValue v : graph.values) {
            if (v.placed) {
                boolean west = v.slices[0] < center;
                for (int s : v.slices) {
                    if ((s < center) != west || s < 0 || s >= chip.floorplan().layout().size()
                            || chip.floorplan().layout().get(s) != SliceKind.MEM) {
                        throw new CompileException("a placed vector's planes must lie in MEM slices of one "
                                + "hemisphere; got slices " + Arrays.toString(v.slices));
                    }
                }
            }
        }
    }

    private static boolean shareSlice(VValue a, VValue b) {
        for (int x : a.slices) {
            for (int y : b.slices) {
                if (x == y) {
                    return true;
                }
            }
        }
        return false;
    }

    // ------------------------------------------------------------------------------------------ allocation

    private static SramMap allocate(ChipSpec chip, VectorGraph graph, SramMap taken) {
        int center = chip.floorplan().center();
        List<Slice> mem = chip.floorplan().slicesOf(SliceKind.MEM);
        // per floorplan position: the next free address of a MEM slice, and the vectors placed there so far
        int positions = chip.floorplan().slices().size();
        int[] next = new int[positions];
        int[] uses = new int[positions];
        mem.forEach(s -> next[s.position()] = taken.top(s.position()));
        // the co-inputs of every value: the values it is read together with
        Map<VValue, Set<VValue>> partners = new IdentityHashMap<>();
        graph.values.forEach(v -> partners.put(v, new LinkedHashSet<>()));
        for (VOp op : graph.ops) {
            for (VValue a : op.inputs()) {
                for (VValue b : op.inputs()) {
                    if (a != b) {
                        partners.get(a).add(b);
                    }
                }
            }
        }
        // values read with many others (a row's maximum, its 1/sum) first, so that they take slices before the
        // vectors they meet have covered a hemisphere; then in creation order
        List<VValue> order = new ArrayList<>(graph.values);
        order.sort(Comparator.<VValue>comparingInt(v -> -partners.get(v).size()).thenComparingInt(v -> v.id));
        // least used first, then nearest the VXM
        // (with SRAM taken by earlier kernels: the emptiest next, so that the planes of a vector line up)
        Comparator<Slice> preferred = Comparator.<Slice>comparingInt(s -> uses[s.position()])
                .thenComparingInt(s -> next[s.position()])
                .thenComparingInt(s -> Math.abs(s.position() - center)).thenComparingInt(Slice::position);
        boolean[] forbidden = new boolean[positions];
        List<Slice> candidates = new ArrayList<>();
        // the indexes that set read bases: in adjacent slices, away from the slices read at them
        Set<VValue> indexes = Collections.newSetFromMap(new IdentityHashMap<>());
        for (VValue v : graph.values) {
            if (v.baseIndex != null) {
                indexes.add(v.baseIndex);
            }
        }
        for (VValue v : order) {
            if (v.placed) {
                continue;
            }
            Arrays.fill(forbidden, false);
            for (VValue other : indexes.contains(v) ? graph.values : List.<VValue>of()) {
                if (other.baseIndex == v) {
                    for (int s : other.slices) {
                        forbidden[s] = true;
                    }
                }
            }
            for (VValue other : partners.get(v)) {
                if (other.slices != null) {
                    for (int s : other.slices) {
                        forbidden[s] = true;
                    }
                }
            }
            if (indexes.contains(v)) {
                BasePrologue.placeIndex(chip, v, forbidden, next, uses, taken);
                continue;
            }
            int w = v.type.bytes();
            boolean found = false;
            for (boolean west : v.id % 2 == 0 ? new boolean[] {true, false} : new boolean[] {false, true}) {
                candidates.clear();
                for (Slice s : mem) {
                    if ((s.position() < center) == west && !forbidden[s.position()]
                            && next[s.position()] < taken.ceiling()) {
                        candidates.add(s);
                    }
                }
                if (candidates.size() >= w) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                throw new CompileException("a vector is read together with vectors that already cover every MEM slice "
                        + "of both hemispheres but " + (w - 1) + "; the graph pairs one vector with too many others");
            }
            candidates.sort(preferred);
            v.slices = new int[w];
            int address = 0;
            for (int p = 0; p < w; p++) {
                v.slices[p] = candidates.get(p).position();
                address = Math.max(address, next[v.slices[p]]);
            }
            if (address >= taken.ceiling()) {
                long words = (long) graph.values.size() * w;
                throw new CompileException("the graph's " + graph.values.size() + " vectors need about " + words
                        + " words of SRAM in slices that hold " + chip.mem().wordsPerSlice() + " each; "
                        + chip.name() + " ran out at vector " + v.id);
            }
            v.addresses = new int[w];
            for (int p = 0; p < w; p++) {
                v.addresses[p] = address;
                next[v.slices[p]] = address + 1;
                uses[v.slices[p]]++;
            }
        }
        for (VValue v : indexes) {
            if (v.placed && (v.slices[1] != v.slices[0] + 1 || v.addresses[0] != v.addresses[1])) {
                throw new CompileException("an index that sets read bases lies in two adjacent MEM slices at one "
                        + "address; got slices " + Arrays.toString(v.slices));
            }
        }
        // raised in position order, as before
        List<Integer> memPositions = mem.stream().map(Slice::position).sorted().toList();
        SramMap after = taken;
        for (int position : memPositions) {
            after = after.raise(position, next[position]);
        }
        return after;
    }


    // ------------------------------------------------------------------------------------------ scheduling

    /** An instruction at its cycle on its queue. */
    private record Placed(Queue queue, long cycle, Instruction instruction) {
    }

    /** Places operations with their reads and writes; keeps what it placed. */
    private static final class Scheduler {
        private final ChipSpec chip;
        private final ReservationTable table;
        private final List<Queue> vxmQueues;
        private final int center;
        private final List<dev.lockstep.isa.chip.Slice> sxms;
        private final long readLatency;
        private final long writeLatency;
        private final List<Placed> placed = new ArrayList<>();
        private long lastEvent = -1;

        private final boolean chain;

        Scheduler(ChipSpec chip, boolean chain) {
            this.chip = chip;
            this.chain = chain;
            this.table = new ReservationTable(chip);
            this.vxmQueues = chip.floorplan().queues().stream()
                    .filter(q -> q.slice().kind() == SliceKind.VXM).toList();
            this.center = chip.floorplan().center();
            this.sxms = chip.floorplan().slicesOf(SliceKind.SXM);
            this.readLatency = chip.timing().cycles(TimingParam.MEM_READ_LATENCY_CYCLES);
            this.writeLatency = chip.timing().cycles(TimingParam.MEM_WRITE_LATENCY_CYCLES);
        }

        private long distance(int position, int site) {
            return Math.abs(position - site) * table.hop();
        }

        /** Where an op executes: the VXM, or for SXM ops the SXM on the side of its first input. */
        private int site(VOp op) {
            if (op.opcode().unit() != dev.lockstep.isa.Unit.SXM) {
                return center;
            }
            boolean west = op.inputs()[0].slices[0] < center;
            return sxms.stream().filter(x -> (x.position() < center) == west).findFirst()
                    .orElse(sxms.get(0)).position();
        }

        private List<Queue> queuesAt(int site) {
            return chip.floorplan().queues().stream().filter(q -> q.slice().position() == site).toList();
        }

        private Queue memQueue(int position) {
            return table.memQueue(position);
        }

        private static long stream(boolean west, int index) {
            return west ? Streams.west(index) : Streams.east(index);
        }

        /** Which indexes' prologues are placed, and from when each slice may be read at its base. */
        private final BasePrologue.Bases bases = new BasePrologue.Bases();

        /**
         * Before {@code op}: the prologue of each index that sets the read bases of an input it reads, once
         * ({@link BasePrologue#before}).
         */
        void setBases(VectorGraph graph, VOp op) {
            for (BasePrologue.Step st : BasePrologue.before(chip, table, graph, op, bases)) {
                // issued in the table by the prologue
                placed.add(new Placed(st.queue(), st.cycle(), st.instruction()));
                lastEvent = Math.max(lastEvent, st.lastEvent());
            }
        }

        void place(VOp op) {
            // first choice: issue exactly when a computed input passes the VXM, and take it off its stream
            int site = site(op);
            long chained = -1;
            for (VValue in : op.inputs()) {
                if (in.producePosition == site) {
                    chained = Math.max(chained, in.produceCycle);
                }
            }
            if (chain && chained >= 0 && tryPlace(op, chained)) {
                return;
            }
            long earliest = 0;
            for (VValue in : op.inputs()) {
                for (int s : in.slices) {
                    earliest = Math.max(earliest, in.readyCycle + readLatency + distance(s, site));
                }
            }
            for (long t = earliest; t < earliest + 1_000_000; t++) {
                if (tryPlace(op, t)) {
                    return;
                }
            }
            throw new CompileException("could not schedule " + op.opcode().mnemonic() + " within 1000000 cycles");
        }

        private boolean tryPlace(VOp op, long t) {
            VValue out = op.output();
            int site = site(op);
            if (!inputsReadable(op, site, t)) {
                return false;
            }
            // inputs: a stream base per input, in the direction from its hemisphere to the VXM
            long[] inputStreams = new long[op.inputs().length];
            Set<Long> used = new HashSet<>();
            for (int i = 0; i < op.inputs().length; i++) {
                VValue in = op.inputs()[i];
                int same = firstIndexOf(op.inputs(), in);
                if (same < i) {
                    inputStreams[i] = inputStreams[same];
                    continue;
                }
                if (chain && in.produceCycle == t && in.producePosition == site) {
                    inputStreams[i] = in.produceStream;
                    continue;
                }
                boolean eastward = in.slices[0] < site;
                int w = in.type.bytes();
                long base = -1;
                for (int s = 0; s + w <= chip.streamsPerDirection() && base < 0; s++) {
                    boolean ok = true;
                    for (int p = 0; p < w && ok; p++) {
                        long st = stream(!eastward, s + p);
                        long r = t - readLatency - distance(in.slices[p], site);
                        ok = !used.contains(st) && r >= in.readyCycle
                                && table.streamFree(st, in.slices[p], site, r + readLatency, 1)
                                && table.canIssue(memQueue(in.slices[p]), read(in, st, in.addresses[p]), r)
                                && table.sliceFree(in.slices[p], r, r + 1, true);
                    }
                    if (ok) {
                        base = stream(!eastward, s);
                    }
                }
                if (base < 0) {
                    return false;
                }
                inputStreams[i] = base;
                for (int p = 0; p < w; p++) {
                    used.add(plane(base, p));
                }
            }
            // the result: a stream base toward its hemisphere, free from the VXM to each plane's slice
            long latency = op.opcode().latency().cycles(chip, instruction(op, inputStreams, Streams.east(0)));
            boolean toWest = out.slices[0] < site;
            int w = out.type.bytes();
            long dst = -1;
            for (int s = 0; s + w <= chip.streamsPerDirection() && dst < 0; s++) {
                boolean ok = true;
                for (int p = 0; p < w && ok; p++) {
                    long st = stream(toWest, s + p);
                    long wr = t + latency + distance(out.slices[p], site);
                    ok = table.streamFree(st, site, out.slices[p], t + latency, 1)
                            && table.canIssue(memQueue(out.slices[p]), write(out.addresses[p], st), wr)
                            && table.sliceFree(out.slices[p], wr, wr + 1, false);
                }
                if (ok) {
                    dst = stream(toWest, s);
                }
            }
            if (dst < 0) {
                return false;
            }
            Instruction ins = instruction(op, inputStreams, dst);
            Queue vxm = null;
            for (Queue q : site == center ? vxmQueues : queuesAt(site)) {
                if (table.canIssue(q, ins, t)) {
                    vxm = q;
                    break;
                }
            }
            if (vxm == null) {
                return false;
            }
            for (int i = 0; i < op.inputs().length; i++) {
                VValue in = op.inputs()[i];
                if (firstIndexOf(op.inputs(), in) < i
                        || (chain && in.produceCycle == t && in.producePosition == site)) {
                    continue;
                }
                for (int p = 0; p < in.type.bytes(); p++) {
                    long st = plane(inputStreams[i], p);
                    long r = t - readLatency - distance(in.slices[p], site);
                    table.takeStream(st, in.slices[p], site, r + readLatency, 1);
                    table.takeSlice(in.slices[p], r, r + 1, true);
                    put(memQueue(in.slices[p]), r, read(in, st, in.addresses[p]), r + readLatency);
                }
            }
            long ready = 0;
            for (int p = 0; p < w; p++) {
                long st = plane(dst, p);
                long wr = t + latency + distance(out.slices[p], site);
                table.takeStream(st, site, out.slices[p], t + latency, 1);
                table.takeSlice(out.slices[p], wr, wr + 1, false);
                put(memQueue(out.slices[p]), wr, write(out.addresses[p], st), wr + writeLatency);
                ready = Math.max(ready, wr + writeLatency);
            }
            out.readyCycle = ready;
            out.produceCycle = t + latency;
            out.producePosition = site;
            out.produceStream = dst;
            put(vxm, t, ins, t + latency);
            return true;
        }

        /**
         * What an op issued at {@code t} needs of its inputs whatever streams they take: each plane read from its
         * slice when it must be, after it is ready, with the slice not being written and its MEM queue free to
         * issue the read. A read holds its slice's read path for its count and its queue for a cycle, whichever
         * stream it names ({@code Opcode.READ}, {@code ResourceUses}; {@code ResourceUsesTest}), so when this
         * fails no choice of streams below can succeed: {@link #tryPlace} fails as it would, only sooner (most of
         * the cycles it is tried at fail here).
         */
        private boolean inputsReadable(VOp op, int site, long t) {
            for (int i = 0; i < op.inputs().length; i++) {
                VValue in = op.inputs()[i];
                if (firstIndexOf(op.inputs(), in) < i
                        || (chain && in.produceCycle == t && in.producePosition == site)) {
                    continue;
                }
                long anyStream = stream(in.slices[0] >= site, 0);
                for (int p = 0; p < in.type.bytes(); p++) {
                    long r = t - readLatency - distance(in.slices[p], site);
                    if (r < in.readyCycle || !table.sliceFree(in.slices[p], r, r + 1, true)
                            || !table.canIssue(memQueue(in.slices[p]), read(in, anyStream, in.addresses[p]), r)) {
                        return false;
                    }
                }
            }
            return true;
        }

        private void put(Queue q, long cycle, Instruction ins, long lastEventCycle) {
            table.issue(q, ins, cycle);
            placed.add(new Placed(q, cycle, ins));
            lastEvent = Math.max(lastEvent, lastEventCycle);
        }

        /** An operand used twice is read once and sampled twice from the same streams. */
        private static int firstIndexOf(VValue[] inputs, VValue v) {
            for (int i = 0; i < inputs.length; i++) {
                if (inputs[i] == v) {
                    return i;
                }
            }
            return -1;
        }

        private static long plane(long base, int p) {
            return Streams.plane(base, p);
        }

        /** A read of {@code v}'s plane at {@code address}: at the slice's read base if an index sets it. */
        private static Instruction read(VValue v, long stream, int address) {
            return Instruction.of(v.baseIndex != null ? Opcode.READB : Opcode.READ, stream, address, 1, 1);
        }

        private static Instruction write(int address, long stream) {
            return Instruction.of(Opcode.WRITE, address, stream, 1, 1);
        }

        private static Instruction instruction(VOp op, long[] inputs, long dst) {
            long[] values = new long[op.opcode().operands().size()];
            int i = 0;
            for (long t : op.types()) {
                values[i++] = t;
            }
            values[i++] = dst;
            for (long in : inputs) {
                values[i++] = in;
            }
            if (op.opcode().operandIndex("imm") >= 0 || op.opcode().operandIndex("lanes") >= 0
                    || op.opcode().operandIndex("lane") >= 0) {
                values[i] = op.immediate();
            }
            return Instruction.of(op.opcode(), values);
        }
    }

    // ------------------------------------------------------------------------------------------ emission

    private static Program emit(ChipSpec chip, VectorGraph graph, Scheduler s) {
        TreeMap<Integer, List<Placed>> byQueue = new TreeMap<>();
        for (Placed p : s.placed) {
            byQueue.computeIfAbsent(p.queue().id(), k -> new ArrayList<>()).add(p);
        }
        List<QueueProgram> queues = new ArrayList<>();
        byQueue.forEach((id, list) -> {
            list.sort(Comparator.comparingLong(Placed::cycle));
            queues.add(new QueueProgram(id, list.stream().mapToLong(Placed::cycle).toArray(),
                    list.stream().mapToLong(p -> p.instruction().word()).toArray()));
        });
        List<DataBlock> data = new ArrayList<>();
        for (VValue v : graph.values) {
            if (v.initial != null) {
                long[] bits = new long[v.initial.length];
                for (int l = 0; l < bits.length; l++) {
                    bits[l] = v.type.isFloating() ? Lanes.roundBits(v.type, v.initial[l]) : (long) v.initial[l];
                }
                byte[][] planes = VectorLayout.planes(v.type, bits, chip.vectorBytes());
                for (int p = 0; p < planes.length; p++) {
                    data.add(new DataBlock(v.slices[p], v.addresses[p], planes[p]));
                }
            }
        }
        List<Region> regions = new ArrayList<>();
        graph.outputs.forEach((name, list) -> {
            for (int i = 0; i < list.size(); i++) {
                VValue v = list.get(i);
                List<Integer> slices = new ArrayList<>();
                for (int sl : v.slices) {
                    slices.add(sl);
                }
                regions.add(new Region(name + i, slices, v.addresses[0], v.type, chip.vectorBytes(), false));
            }
        });
        return new Program(chip.name(), chip.vectorBytes(), List.of(), List.of(),
                List.of(new ChipProgram(0, queues, data, regions)));
    }

    /**
     * The longer of: the VXM ops over the VXM's ALU columns, and the chain of unit latencies along the longest path
     * (data movement ignored).
     */
    private static long lowerBound(ChipSpec chip, VectorGraph graph) {
        int columns = chip.vxm().queuesPerSlice();
        long vxmOps = graph.ops.stream().filter(o -> o.opcode().unit() == dev.lockstep.isa.Unit.VXM).count();
        long throughput = (vxmOps + columns - 1) / columns;
        Map<VValue, Long> finish = new IdentityHashMap<>();
        long path = 0;
        for (VOp op : graph.ops) {
            long start = 0;
            for (VValue in : op.inputs()) {
                start = Math.max(start, finish.getOrDefault(in, 0L));
            }
            long[] zeros = new long[op.inputs().length];
            long end = start + op.opcode().latency().cycles(chip, Scheduler.instruction(op, zeros, Streams.east(0)));
            finish.put(op.output(), end);
            path = Math.max(path, end);
        }
        return Math.max(throughput, path);
    }
}
