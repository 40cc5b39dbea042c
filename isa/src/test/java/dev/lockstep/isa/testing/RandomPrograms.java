// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.testing;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.OperandException;
import dev.lockstep.isa.OperandSpec;
import dev.lockstep.isa.Streams;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.Queue;
import dev.lockstep.isa.chip.SliceKind;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.Constant;
import dev.lockstep.isa.program.DataBlock;
import dev.lockstep.isa.program.LaneMap;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.program.ProgramRules;
import dev.lockstep.isa.program.QueueProgram;
import dev.lockstep.isa.program.Region;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Random valid instructions and programs for property tests, from a seed (so every failure can be replayed). */
public final class RandomPrograms {
    private final ChipSpec chip;
    private final SplittableRandom random;

    public RandomPrograms(ChipSpec chip, long seed) {
        this.chip = chip;
        this.random = new SplittableRandom(seed);
    }

    /** A random instruction that {@code queue} can issue and {@code chip} accepts. */
    public Instruction instruction(Queue queue, int mapCount, boolean allowRepeat) {
        while (true) {
            Opcode op = Opcode.values()[random.nextInt(Opcode.values().length)];
            if (!queue.issues(op.unit()) || (op == Opcode.REPEAT && !allowRepeat)
                    || (op == Opcode.PERMUTE && mapCount == 0)) {
                continue;
            }
            long[] values = new long[op.operands().size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = value(op, op.operands().get(i), values, mapCount);
            }
            Instruction ins;
            try {
                ins = Instruction.of(op, values);
            } catch (OperandException e) {
                continue;
            }
            if (ProgramRules.checkOperands(chip, ins, mapCount).isEmpty()) {
                return ins;
            }
        }
    }

    private long value(Opcode op, OperandSpec spec, long[] earlier, int mapCount) {
        return switch (spec.kind()) {
            case DTYPE -> {
                List<DataType> types = spec.dtypes().stream().sorted().toList();
                yield types.get(random.nextInt(types.size())).code();
            }
            case STREAM -> {
                int span = spec.weightGroup() ? chip.mxm().weightStreams()
                        : spec.spanDtype() != null
                        ? DataType.fromCode(earlier[op.operandIndex(spec.spanDtype())]).orElseThrow().bytes()
                        : Math.max(1, spec.spanFixed());
                int index = spec.weightGroup() ? 0 : random.nextInt(chip.streamsPerDirection() - span + 1);
                yield random.nextBoolean() ? Streams.east(index) : Streams.west(index);
            }
            case ADDRESS -> random.nextInt(chip.mem().wordsPerSlice());
            case COUNT -> random.nextInt(4) == 0 ? 1 + random.nextInt(0xFFFF) : 1 + random.nextInt(16);
            case STRIDE, SHIFT -> random.nextInt(4) == 0 ? random.nextInt(0x10000) - 0x8000 : random.nextInt(9) - 4;
            case LANE -> random.nextInt(chip.vectorBytes());
            case PLANE -> random.nextInt(chip.mxm().planesPerSlice());
            case LINK -> random.nextInt(chip.links().count());
            case BARRIER -> random.nextInt(16);
            case MAP -> random.nextInt(mapCount);
            case MODE -> random.nextInt(2);
            case KEY -> random.nextInt(256);
            case BITS32 -> random.nextLong(1L << 32);
        };
    }

    /** A random valid program of one to three chips. */
    public Program program() {
        List<Constant> constants = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            constants.add(new Constant("c" + i, random.nextLong()));
        }
        List<LaneMap> maps = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            int[] lanes = new int[chip.vectorBytes()];
            for (int l = 0; l < lanes.length; l++) {
                lanes[l] = random.nextInt(chip.vectorBytes());
            }
            maps.add(new LaneMap("map" + i, lanes));
        }
        List<ChipProgram> chips = new ArrayList<>();
        int nChips = 1 + random.nextInt(3);
        int chipId = random.nextInt(4);
        for (int c = 0; c < nChips; c++) {
            chips.add(chipProgram(chipId, maps.size()));
            chipId += 1 + random.nextInt(100);
        }
        return new Program(chip.name(), chip.vectorBytes(), constants, maps, chips);
    }

    private ChipProgram chipProgram(int chipId, int mapCount) {
        List<Queue> all = chip.floorplan().queues();
        List<QueueProgram> queues = new ArrayList<>();
        int nQueues = 1 + random.nextInt(5);
        List<Integer> used = new ArrayList<>();
        for (int q = 0; q < nQueues; q++) {
            Queue queue = all.get(random.nextInt(all.size()));
            if (used.contains(queue.id())) {
                continue;
            }
            used.add(queue.id());
            int n = 1 + random.nextInt(20);
            long[] cycles = new long[n];
            long[] words = new long[n];
            long free = random.nextInt(100);
            Instruction previous = null;
            for (int i = 0; i < n; i++) {
                boolean allowRepeat = previous != null && previous.opcode() != Opcode.REPEAT
                        && previous.opcode() != Opcode.NOP;
                Instruction ins = instruction(queue, mapCount, allowRepeat);
                long cycle = free + (random.nextInt(3) == 0 ? random.nextInt(1000) : 0);
                cycles[i] = cycle;
                words[i] = ins.word();
                free = ProgramRules.freeCycle(chip, ins, cycle);
                previous = ins;
            }
            queues.add(new QueueProgram(queue.id(), cycles, words));
        }
        List<Region> regions = new ArrayList<>();
        List<DataBlock> data = new ArrayList<>();
        List<Integer> memSlices = chip.floorplan().slicesOf(SliceKind.MEM).stream().map(s -> s.position()).toList();
        int slice = memSlices.get(random.nextInt(memSlices.size()));
        if (random.nextBoolean()) {
            int words = 1 + random.nextInt(3);
            byte[] bytes = new byte[words * chip.vectorBytes()];
            random.nextBytes(bytes);
            int address = random.nextInt(chip.mem().wordsPerSlice() - 8);
            data.add(new DataBlock(slice, address, bytes));
            DataType type = DataType.values()[random.nextInt(DataType.values().length)];
            regions.add(new Region("r" + chipId, List.of(slice), address, type, 1 + random.nextInt(chip.vectorBytes()),
                    random.nextBoolean()));
        }
        return new ChipProgram(chipId, queues, data, regions);
    }
}
