// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code lockstep run}'s options for a timeline of some chips ({@link RunTrace}). */
final class TraceOptions {
    @Option(names = "--trace", paramLabel = "FILE.json", description = "Write a Chrome trace-event timeline of the "
            + "chips of --trace-chips (open it in ui.perfetto.dev).")
    Path trace;

    @Option(names = "--trace-chips", paramLabel = "FROM:TO", defaultValue = "layer0",
            description = "Path positions [FROM, TO) of the chips to trace, or layer0 (the first layer's chips). "
                    + "Default: ${DEFAULT-VALUE}.")
    String traceChips;

    @Option(names = "--trace-window", paramLabel = "FROM:TO", defaultValue = "0:2000000",
            description = "Cycles [FROM, TO) kept in the trace. Default: ${DEFAULT-VALUE}.")
    String traceWindow;

    /** The trace asked for, checked; empty without --trace (its other options are checked all the same). */
    Optional<RunTrace> parse() {
        RunTrace t = RunTrace.parse(trace, traceChips, traceWindow);
        return trace == null ? Optional.empty() : Optional.of(t);
    }
}
