// SPDX-License-Identifier: Apache-2.0
/**
 * The cycle-accurate simulator. Not built yet (issue 3); the module exists so that the build's shape, and its
 * rule that the simulator depends on the ISA only, hold from the start.
 */
package dev.lockstep.sim;
