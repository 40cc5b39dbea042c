// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.chip;

import dev.lockstep.isa.TimingParam;
import java.util.Arrays;
import java.util.Map;

/** The value of every {@link TimingParam} for one chip: the defaults, with a description's overrides. */
public final class Timing {
    private final long[] cycles;

    private Timing(long[] cycles) {
        this.cycles = cycles;
    }

    public static Timing defaults() {
        return withOverrides(Map.of());
    }

    public static Timing withOverrides(Map<TimingParam, Long> overrides) {
        long[] cycles = new long[TimingParam.values().length];
        for (TimingParam p : TimingParam.values()) {
            cycles[p.ordinal()] = overrides.getOrDefault(p, p.defaultCycles());
        }
        return new Timing(cycles);
    }

    public long cycles(TimingParam param) {
        return cycles[param.ordinal()];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Timing t && Arrays.equals(t.cycles, cycles);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(cycles);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Timing{");
        for (TimingParam p : TimingParam.values()) {
            sb.append(p.key()).append('=').append(cycles[p.ordinal()]).append(p.ordinal() + 1 < cycles.length ? ", " : "");
        }
        return sb.append('}').toString();
    }
}
