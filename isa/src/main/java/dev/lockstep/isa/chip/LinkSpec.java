// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.chip;

/**
 * The chip-to-chip links of one chip. A vector travels as a frame of its bytes plus {@code framingBytes}; what lies
 * between the SRAM at either end and the wire (serdes, FEC, deskew, the stream path) is in the chip's timing
 * parameters {@code c2c_send_end_cycles}, {@code c2c_receive_end_cycles} and {@code c2c_forward_cycles}
 * (docs/model.md, "Hops").
 *
 * @param count                      links per chip
 * @param bytesPerSecondPerDirection usable bandwidth of one link in one direction, framing included
 * @param framingBytes               bytes a vector's frame adds to the vector on the wire (8: 320 bytes travel as
 *                                   328)
 * @param latencyCycles              cycles from the end of a vector's serialisation on one chip to its arrival at
 *                                   the other (measured; see docs/model.md)
 */
public record LinkSpec(int count, double bytesPerSecondPerDirection, int framingBytes, long latencyCycles) {

    /** Bytes one vector of {@code vectorBytes} takes on the wire: the vector and its framing. */
    public long frameBytes(int vectorBytes) {
        return (long) vectorBytes + framingBytes;
    }

    /**
     * Cycles a vector of {@code vectorBytes} occupies a link: ceil((bytes + framing) x clock / bandwidth), the time
     * to serialise its frame.
     */
    public long vectorCycles(int vectorBytes, long clockHz) {
        return (long) Math.ceil(frameBytes(vectorBytes) * (double) clockHz / bytesPerSecondPerDirection);
    }
}
