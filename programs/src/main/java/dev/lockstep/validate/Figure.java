// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.validate;

/**
 * A published figure the model can be compared with: the static part of a row of {@code lockstep validate}.
 *
 * @param id        a short stable name (for JSON and tests), e.g. "peak-int8"
 * @param name      what the figure is, as the table prints it
 * @param published the published value, in {@code unit} (a range's middle, a bound's bound)
 * @param unit      the unit the published and simulated values are in
 * @param shown     the published value as the table prints it, e.g. "about 722 ns"
 * @param source    where it was published (docs/reference/tsp-facts.md's codes: P paper, V vendor, R press)
 * @param kind      what agreeing with it proves
 * @param band      where the simulated value must lie
 */
public record Figure(String id, String name, double published, String unit, String shown, String source, Kind kind,
                     Band band) {
}
