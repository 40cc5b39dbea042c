// SPDX-License-Identifier: Apache-2.0
/**
 * Systems of many chips: {@link dev.lockstep.isa.system.SystemSpec} (the chip, the shape of nodes and racks, link
 * latencies per {@link dev.lockstep.isa.system.LinkKind}), read from JSON with located errors by
 * {@link dev.lockstep.isa.system.SystemSpecs} (presets {@code node-8}, {@code rack-72}, {@code tsp-256},
 * {@code tsp-576}, {@code tsp-1152}, {@code tsp-10440}), and the
 * wiring derived from it, {@link dev.lockstep.isa.system.Topology}: which link of which chip reaches which link of
 * which other chip, hop counts and shortest routes. docs/model.md ("The network") explains the wiring.
 */
package dev.lockstep.isa.system;
