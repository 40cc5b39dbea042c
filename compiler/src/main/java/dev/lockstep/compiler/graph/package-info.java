// SPDX-License-Identifier: Apache-2.0
/**
 * The transformer, declared once. {@link dev.lockstep.compiler.graph.DecoderLayer} lists a decoder layer's steps
 * in order ({@link dev.lockstep.compiler.graph.LayerStep}: a sealed interface of records, each compute step naming
 * the chips of the layer it runs on, each product its {@link dev.lockstep.compiler.graph.TensorId tensor}, shape and
 * split), and {@link dev.lockstep.compiler.graph.DecoderModel} adds the embedding lookup and the head. Parameter
 * counts and a plan's byte accounting are folds over these steps; the timing-only lowering
 * ({@code dev.lockstep.compiler.model.DecodeBuilder}) and the lowering with data
 * ({@code dev.lockstep.compiler.model.FunctionalLayer}) walk them. Adding a step kind touches this package and the
 * two lowerings.
 */
package dev.lockstep.compiler.graph;
