// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sensitivity;

import dev.lockstep.run.DecodeRequest;
import java.util.List;
import java.util.Objects;

/**
 * A sensitivity run: the baseline decode, how to make its system with one parameter changed, the parameters to vary
 * and how many runs at once.
 *
 * @param base     the baseline run (its system is the baseline's; its {@code threads} are ignored: see
 *                 {@code threads})
 * @param variants the baseline system with one parameter set
 * @param knobs    the parameters to vary ({@link Knobs#VARIED}, or some of them), each once
 * @param threads  runs at once; each run's simulation gets the threads left over ({@code threads / runs at once},
 *                 at least 1). The report does not depend on it.
 */
public record SensitivityRequest(DecodeRequest base, Variants variants, List<Knob> knobs, int threads) {
    public SensitivityRequest {
        Objects.requireNonNull(base);
        Objects.requireNonNull(variants);
        knobs = List.copyOf(knobs);
        if (knobs.isEmpty() || knobs.stream().map(Knob::name).distinct().count() != knobs.size()) {
            throw new IllegalArgumentException("give at least one parameter to vary, each once");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
    }
}
