// SPDX-License-Identifier: Apache-2.0
/**
 * Models: Hugging Face configurations ({@link dev.lockstep.compiler.model.ModelConfig}, read with located errors by
 * {@link dev.lockstep.compiler.model.ModelConfigs}), how a model's decode step is split over a system's chips
 * ({@link dev.lockstep.compiler.model.DecodePlan}), and the compiled programs of every chip
 * ({@link dev.lockstep.compiler.model.DecodeBuilder}). docs/model.md ("From a model to a schedule") explains both.
 */
package dev.lockstep.compiler.model;
