// SPDX-License-Identifier: Apache-2.0
/**
 * The transformer, declared once. {@link dev.lockstep.compiler.graph.DecoderLayer} lists a decoder layer's steps
 * in order ({@link dev.lockstep.compiler.graph.LayerStep}: a sealed interface of records, each compute step naming
 * the chips of the layer it runs on, each product its {@link dev.lockstep.compiler.graph.TensorId tensor}, shape and
 * split), and {@link dev.lockstep.compiler.graph.DecoderModel} adds the embedding lookup and the head. Parameter
 * counts and a plan's byte accounting are folds over these steps; the plan's lowering
 * ({@code dev.lockstep.compiler.model.DecodeBuilder} over {@code TimingLowering}, without data for timing-only runs
 * and with it for functional ones, {@code dev.lockstep.compiler.model.Generation}) walks them, and so does a second
 * lowering with data kept in the compiler's tests as a check ({@code FunctionalLayer}). Adding a step kind touches
 * this package and the lowerings.
 */
package dev.lockstep.compiler.graph;
