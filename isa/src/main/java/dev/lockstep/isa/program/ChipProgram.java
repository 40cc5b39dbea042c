// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.program;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Everything one chip runs: its queues' instructions (sorted by queue id, no empty queue), its initial SRAM
 * contents (sorted by slice, then address) and its named regions (in declaration order).
 */
public record ChipProgram(int chipId, List<QueueProgram> queues, List<DataBlock> data, List<Region> regions) {
    public ChipProgram {
        queues = queues.stream().filter(q -> q.size() > 0).sorted(Comparator.comparingInt(QueueProgram::queueId))
                .toList();
        for (int i = 1; i < queues.size(); i++) {
            if (queues.get(i).queueId() == queues.get(i - 1).queueId()) {
                throw new IllegalArgumentException("chip " + chipId + ": queue " + queues.get(i).queueId()
                        + " appears twice");
            }
        }
        data = data.stream().sorted(Comparator.comparingInt(DataBlock::slice).thenComparingInt(DataBlock::address))
                .toList();
        regions = List.copyOf(regions);
    }

    public Optional<Region> region(String name) {
        return regions.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** Instructions on all queues. */
    public long instructionCount() {
        return queues.stream().mapToLong(QueueProgram::size).sum();
    }

    /** Instructions stored on all queues (a repeated block once: {@link QueueProgram#storedSize()}). */
    public long storedCount() {
        return queues.stream().mapToLong(QueueProgram::storedSize).sum();
    }

    /** The same program with every instruction stored ({@link QueueProgram#expanded()}). */
    public ChipProgram expanded() {
        return new ChipProgram(chipId, queues.stream().map(QueueProgram::expanded).toList(), data, regions);
    }
}
