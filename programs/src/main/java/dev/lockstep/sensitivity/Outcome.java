// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sensitivity;

/**
 * The figures one run gives (only these are kept: a run's compiled program is gigabytes).
 *
 * @param cyclesPerToken         cycles between two tokens of one sequence
 * @param tokensPerSecondPerUser the clock over {@code cyclesPerToken}
 */
public record Outcome(long cyclesPerToken, double tokensPerSecondPerUser) {
}
