// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.chip;

/**
 * The MEM slices.
 *
 * @param wordsPerSlice            addresses per slice, each a vector of the chip's vector length
 * @param banks                    SRAM banks per slice; word {@code a} lives in bank {@code a mod banks}
 * @param accessesPerBankPerCycle  reads plus writes one bank serves per cycle
 * @param queuesPerSlice           instruction queues per MEM slice
 */
public record MemSpec(int wordsPerSlice, int banks, int accessesPerBankPerCycle, int queuesPerSlice) {
    public MemSpec {
        if (wordsPerSlice < 1 || banks < 1 || accessesPerBankPerCycle < 1 || queuesPerSlice < 1) {
            throw new IllegalArgumentException("a MEM slice has at least one word, bank, access per bank per cycle "
                    + "and queue; got " + wordsPerSlice + ", " + banks + ", " + accessesPerBankPerCycle + ", "
                    + queuesPerSlice);
        }
    }
}
