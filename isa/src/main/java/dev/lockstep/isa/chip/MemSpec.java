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
}
