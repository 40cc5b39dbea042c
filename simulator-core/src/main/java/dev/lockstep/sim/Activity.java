// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

/**
 * The work a chip's units did, counted per event of a kind an energy model can price (a vector is the chip's
 * {@code vector_bytes}, one byte per lane; a plane is one stream's vector). Counted when an instruction issues, from
 * its opcode and operands, so that every mode and every skipped period ({@link RepeatSkip}) counts the same.
 */
public enum Activity {
    /** Vectors read from SRAM onto a stream (read, readb, gather). */
    SRAM_READ_VECTORS,
    /** Vectors written from a stream into SRAM (write, scatter). */
    SRAM_WRITE_VECTORS,
    /** Planes of weights loaded from streams into an MXM weight buffer (lw: rows x the type's bytes). */
    MXM_WEIGHT_PLANES,
    /**
     * Weight pieces installed from a buffer into an array (iw): an int8 plane's rows x columns bytes, or an fp16
     * piece's K x columns x 2 (on tsp-v1 the same 102,400 bytes).
     */
    MXM_INSTALLS,
    /** Activation vectors streamed through an int8 array (abc): each is rows x columns int8 multiply-adds. */
    MXM_INT8_PASSES,
    /** Activation vectors streamed through an fp16 piece (abc): each is rows x columns fp16 multiply-adds. */
    MXM_FP16_PASSES,
    /** Accumulator planes drained onto streams (acc: rows x 4 bytes). */
    MXM_DRAIN_PLANES,
    /** VXM results, per plane (a 4-byte type's op is 4 planes of lane work). */
    VXM_PLANE_OPS,
    /** SXM results, per plane. */
    SXM_PLANE_OPS,
    /** Vectors serialised onto a chip-to-chip link (send, fwd). */
    LINK_VECTORS,
    /**
     * Plane-hops on streams: every plane put on a stream, times the hops from where it was put to the chip's edge in
     * its direction (a vector rides its stream to the edge unless overwritten on the way, so this counts an upper
     * bound).
     */
    STREAM_PLANE_HOPS
}
