// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.QueueProgram;
import java.util.Arrays;

/**
 * A chip's links numbered by first use: scanning its queues in id order and each queue's instructions in order,
 * the first link a SEND, RECV or FWD names (a FWD: its {@code link}, then its {@code from}) is rank 0, the next new one rank 1, and so on. A chip's timeline depends on
 * which of its instructions share a link, not on the links' numbers, so two chips whose programs differ only by a
 * renumbering of links (the same program placed on differently wired chips) run identically: the trace hash folds
 * link ranks, and timing-only deduplication treats such programs as one.
 */
final class LinkLabels {
    private final int[] rank;
    private final int[] link;

    private LinkLabels(int[] rank, int[] link) {
        this.rank = rank;
        this.link = link;
    }

    static LinkLabels of(ChipProgram cp, int links) {
        return of(cp, links, null);
    }

    /** As {@link #of(ChipProgram, int)}, skipping queues {@code facts} knows name no link (may be null). */
    static LinkLabels of(ChipProgram cp, int links, QueueFacts facts) {
        int[] rank = new int[Math.max(links, 64)];
        Arrays.fill(rank, -1);
        int[] link = new int[rank.length];
        int n = 0;
        for (QueueProgram q : cp.queues()) {
            if (facts != null && !facts.namesLinks(q)) {
                continue;
            }
            // in stored order, which first uses every word in the order the queue does (a repeat adds none)
            for (int i = 0; i < q.storedSize(); i++) {
                if (isLink(q.storedWord(i))) {
                    Instruction ins = Instruction.decode(q.storedWord(i));
                    for (String operand : LINK_OPERANDS) {
                        int at = ins.opcode().operandIndex(operand);
                        if (at < 0) {
                            continue;
                        }
                        int l = (int) ins.operands()[at];
                        if (rank[l] < 0) {
                            rank[l] = n;
                            link[n++] = l;
                        }
                    }
                }
            }
        }
        return new LinkLabels(rank, Arrays.copyOf(link, n));
    }

    /** The operands that name links, in the order they are ranked. */
    private static final String[] LINK_OPERANDS = {"link", "from"};

    /** Whether an instruction word is a SEND, RECV or FWD. */
    static boolean isLink(long word) {
        int code = (int) (word >>> 56);
        return code == Opcode.SEND.code() || code == Opcode.RECV.code() || code == Opcode.FWD.code();
    }

    /** The word with its links replaced by the links' ranks if it is a SEND, RECV or FWD. */
    long canonical(long word) {
        return isLink(word) ? canonical(Instruction.decode(word)) : word;
    }

    /** The instruction word with its links replaced by the links' ranks (other instructions unchanged). */
    long canonical(Instruction ins) {
        Opcode op = ins.opcode();
        if (op != Opcode.SEND && op != Opcode.RECV && op != Opcode.FWD) {
            return ins.word();
        }
        long[] v = ins.operands();
        for (String operand : LINK_OPERANDS) {
            int at = op.operandIndex(operand);
            if (at >= 0) {
                v[at] = rank[(int) v[at]];
            }
        }
        return Instruction.of(op, v).word();
    }

    /** This chip's link of a rank. */
    int link(int rankOf) {
        return link[rankOf];
    }

    int rank(int linkId) {
        return rank[linkId];
    }

    /** Ranks in use. */
    int size() {
        return link.length;
    }
}
