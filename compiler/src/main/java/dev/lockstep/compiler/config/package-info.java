// SPDX-License-Identifier: Apache-2.0
/**
 * What a model is, before anything is compiled: its Hugging Face configuration
 * ({@link dev.lockstep.compiler.config.ModelConfig}, read from presets and files with located errors by
 * {@link dev.lockstep.compiler.config.ModelConfigs}) and how its weights are stored
 * ({@link dev.lockstep.compiler.config.Precision}). The layer graph ({@code dev.lockstep.compiler.graph}) is built from
 * these, and plans and lowerings ({@code dev.lockstep.compiler.model}) from both.
 */
package dev.lockstep.compiler.config;
