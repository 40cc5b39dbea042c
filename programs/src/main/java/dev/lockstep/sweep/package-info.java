// SPDX-License-Identifier: Apache-2.0
/**
 * Sweeps: a grid of {@code lockstep run} configurations ({@link dev.lockstep.sweep.Grid}) run several at once
 * ({@link dev.lockstep.sweep.SweepRun}), their rows ({@link dev.lockstep.sweep.Row}) written as CSV and JSON lines
 * with fits ({@link dev.lockstep.sweep.SweepFits}) and plots ({@link dev.lockstep.sweep.SweepPlots}), or as one shard
 * of an array job and merged ({@link dev.lockstep.sweep.SweepFiles}).
 */
package dev.lockstep.sweep;
