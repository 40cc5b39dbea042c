// SPDX-License-Identifier: Apache-2.0
/**
 * What a token costs: cost descriptions ({@link dev.lockstep.cost.CostSpec}, presets with their sources), the cost
 * of ownership arithmetic ({@link dev.lockstep.cost.Tco}), which tokens are counted
 * ({@link dev.lockstep.cost.RequestMix}), published GPU rows ({@link dev.lockstep.cost.GpuReference}), and power and
 * energy per token from the simulator's activity counts ({@link dev.lockstep.cost.EnergyModel},
 * {@link dev.lockstep.cost.Power}, {@link dev.lockstep.cost.EnergyFit}). Estimates, each resting on stated figures.
 */
package dev.lockstep.cost;
