// SPDX-License-Identifier: Apache-2.0
/**
 * How much the result leans on what is not published: {@link dev.lockstep.sensitivity.SensitivityRun} reruns a
 * decode ({@link dev.lockstep.run.DecodeRun}) with each unpublished parameter halved and doubled and reports tokens/s
 * per user against the baseline, largest swing first; {@link dev.lockstep.sensitivity.TornadoChart} draws it.
 * {@link dev.lockstep.sensitivity.Knobs} is the one list of which parameters are varied and which are left out, and
 * why. The variations run in parallel; the report's order is fixed by the list and the results, never by which run
 * finished first.
 *
 * <p>What is reused: the baseline runs once; a variation whose value equals the baseline (halving a parameter already
 * at its least valid value) is not rerun, nor is a description any other variation already produced. Compiled kernels
 * are not reused across variations: every kernel is scheduled with the chip's latencies, so which of them a
 * parameter leaves unchanged would need the compiler to report which parameters each kernel read; it does not, and
 * each variation compiles its decode step afresh.
 */
package dev.lockstep.sensitivity;
