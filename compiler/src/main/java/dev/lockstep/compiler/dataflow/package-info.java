// SPDX-License-Identifier: Apache-2.0
/**
 * Kernels wired together on one chip: rows of activations that one kernel leaves in SRAM and the next reads where
 * they are, products whose X tiles are written by the vector work before them, and caches updated in place. The
 * functional transformer layer is built from these pieces. The wiring of a product's X ({@link
 * dev.lockstep.compiler.dataflow.VectorStep#writeX}) and a KV cache's append ({@link
 * dev.lockstep.compiler.dataflow.CacheAppend}) are also what the timing-only run places, on the rows where earlier
 * kernels of its run left them or on placeholder rows ({@link dev.lockstep.compiler.dataflow.VectorStep#placeholder}),
 * cut as a run with data cuts its rows ({@link dev.lockstep.compiler.dataflow.RowCuts}).
 */
package dev.lockstep.compiler.dataflow;
