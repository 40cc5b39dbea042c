// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.chip;

/**
 * The chip-to-chip links of one chip.
 *
 * @param count                     links per chip
 * @param bytesPerSecondPerDirection usable bandwidth of one link in one direction
 * @param latencyCycles             cycles from the end of a vector's serialisation on one chip to its arrival at
 *                                  the other (not published; see docs/model.md)
 */
public record LinkSpec(int count, double bytesPerSecondPerDirection, long latencyCycles) {

    /** Cycles a vector of {@code vectorBytes} occupies a link: ceil(bytes x clock / bandwidth). */
    public long vectorCycles(int vectorBytes, long clockHz) {
        return (long) Math.ceil(vectorBytes * (double) clockHz / bytesPerSecondPerDirection);
    }
}
