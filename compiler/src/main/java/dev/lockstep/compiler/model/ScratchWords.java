// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

/**
 * Which of a chip's SRAM words a lowering's kernels of a token take (their inputs, outputs and constants), once the
 * weights, caches and table are allocated ({@link WeightAllocation}). A choice of the lowering, the same for a plan
 * with data and without, so that the two place the same kernels at the same words.
 */
enum ScratchWords {
    /**
     * The {@link ChipKernels#SCRATCH_WORDS} at the top of every MEM slice: what the plans of large models leave (they
     * fill their chips' weight space). Timing-only runs.
     */
    TOP_OF_EACH_SLICE,
    /**
     * Every word above what the weights, caches and table took, slice by slice: for small models, whose weights leave
     * most of a chip free, so that a run of many positions (each position's kernels keep constants of their own)
     * holds them. Generation with data ({@link Generation}); decode steps only (a prefill chunk's transient kernels go
     * into the top words of each slice, {@code ChipBuild.placeTransient}).
     */
    ABOVE_THE_WEIGHTS
}
