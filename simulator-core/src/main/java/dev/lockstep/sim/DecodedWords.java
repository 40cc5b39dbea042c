// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.Resource;
import dev.lockstep.isa.chip.ChipSpec;

/**
 * What a chip's simulation needs of an instruction word that depends on the word alone: the decoded instruction and
 * its operands, its occupancy and latency, the resource it takes, its label in the trace hash and what an issue adds to the
 * activity counters. Each is made once per word and kept in a small table by a hash of the word (words repeat: the
 * same instruction on many queues, rows and periods), so that an issue costs one lookup and no allocation.
 */
final class DecodedWords {
    private static final int BITS = 10;
    private final Word[] table = new Word[1 << BITS];
    private final OpcodeCycles latencies;
    private final OpcodeCycles occupancies;
    private final LinkLabels labels;

    /** The facts of one word. */
    static final class Word {
        final long word;
        final Instruction ins;
        final Opcode op;
        /** Its operands' values ({@link Instruction#operands()}); not to be changed. */
        final long[] operands;
        final long occupancy;
        final long latency;
        /** The ordinal of the resource it takes, or -1 when it takes none (or for no cycles). */
        final int resource;
        /** The word as the trace hash folds it ({@link LinkLabels#canonical(Instruction)}). */
        final long label;
        final ActivityCount.Contribution activity;

        private Word(Instruction ins, long occupancy, long latency, long label) {
            this.word = ins.word();
            this.ins = ins;
            this.op = ins.opcode();
            this.operands = ins.operands();
            this.occupancy = occupancy;
            this.latency = latency;
            this.resource = op.resource() == Resource.NONE || occupancy == 0 ? -1 : op.resource().ordinal();
            this.label = label;
            this.activity = ActivityCount.of(ins, occupancy);
        }
    }

    DecodedWords(ChipSpec chip, LinkLabels labels) {
        this.latencies = OpcodeCycles.latencies(chip);
        this.occupancies = OpcodeCycles.occupancies(chip);
        this.labels = labels;
    }

    /** The facts of a valid instruction word. */
    Word of(long word) {
        int h = (int) ((word * 0x9E3779B97F4A7C15L) >>> (64 - BITS));
        Word w = table[h];
        if (w == null || w.word != word) {
            Instruction ins = Instruction.ofValidWord(word);
            w = new Word(ins, occupancies.of(ins), latencies.of(ins), labels.canonical(ins));
            table[h] = w;
        }
        return w;
    }
}
