// SPDX-License-Identifier: Apache-2.0
/**
 * Runs as a library: a request record in, a report record out, for a timing-only decode run with an optional
 * prefill ({@link dev.lockstep.run.DecodeRun}), several copies of the model side by side, compiled and simulated a
 * copy at a time ({@code SideBySide}), speculative decoding ({@link dev.lockstep.run.SpeculativeRun}: a draft, the
 * target's verify step, plain decoding) and a functional run with real weights
 * ({@link dev.lockstep.run.FunctionalRun}). {@link dev.lockstep.run.Verified} is the one place that checks a
 * simulation against the compiler's prediction. The command line ({@code dev.lockstep.cli}) parses options, calls
 * these and renders their reports; the benchmarks call them too.
 */
package dev.lockstep.run;
