// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.isa.Resource;
import dev.lockstep.isa.Unit;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.Queue;
import dev.lockstep.isa.io.InputException;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.sim.HazardException;
import dev.lockstep.sim.Mode;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.SimResult;
import dev.lockstep.sim.Simulator;
import dev.lockstep.sim.SystemSimulator;
import dev.lockstep.sim.TraceHash;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lockstep sim FILE}: runs a program on the cycle-accurate simulator. */
@Command(name = "sim", mixinStandardHelpOptions = true,
        description = "Simulate a program (.lsa or .lsb) cycle by cycle and report cycles, instructions, unit "
                + "utilisation and the trace hash. Any schedule the hardware could not run is an error naming the "
                + "chip, cycle, queue and instruction.")
final class SimCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The program: assembly text or a binary.")
    Path input;

    @Option(names = "--timing-only", description = "Carry no data: the same cycles and trace hash, no values.")
    boolean timingOnly;

    @Option(names = "--json", description = "Print only a JSON object on stdout.")
    boolean json;

    @Option(names = "--trace", paramLabel = "FILE.json",
            description = "Write a Chrome trace-event timeline (open it in ui.perfetto.dev).")
    Path trace;

    @Option(names = "--trace-window", paramLabel = "FROM:TO", defaultValue = "0:1000000",
            description = "Cycles [FROM, TO) kept in the trace. Default: ${DEFAULT-VALUE}.")
    String traceWindow;

    @Option(names = "--trace-max-events", paramLabel = "N", defaultValue = "1000000",
            description = "At most this many instructions in the trace. Default: ${DEFAULT-VALUE}.")
    long traceMax;

    @Option(names = "--dump", paramLabel = "REGION[@CHIP]",
            description = "Print the values of a named region at the end (functional mode). Repeatable.")
    List<String> dumps = new ArrayList<>();

    @Mixin
    ChipOption chip;

    @Mixin
    SystemOption system;

    @Mixin
    ParamOptions params;

    @Spec
    CommandSpec spec;

    /** The chip or system simulated, and what --chip-param and --system-param changed. */
    private SystemOption.Target target;

    @Override
    public Integer call() {
        target = system.target(chip, params);
        SystemSpec systemSpec = target.system();
        ChipSpec chipSpec = target.chip();
        ProgramFiles.Loaded loaded = ProgramFiles.load(input, chipSpec);
        if (timingOnly && !dumps.isEmpty()) {
            throw new InputException(input.toString(), 1, 1, "--dump needs values, which a --timing-only run does "
                    + "not carry; drop one of the two options");
        }
        // the window is checked whether or not a trace is asked for, so that a wrong one never passes unseen
        Window window = window();
        ChromeTrace chrome = trace == null ? null
                : new ChromeTrace(chipSpec, loaded.program(), window.from(), window.to(), traceMax);
        Mode mode = timingOnly ? Mode.TIMING_ONLY : Mode.FUNCTIONAL;
        long start = System.nanoTime();
        SimResult r;
        try {
            r = systemSpec == null ? Simulator.run(chipSpec, loaded.program(), new SimOptions(mode, chrome))
                    : SystemSimulator.run(systemSpec, loaded.program(), new SimOptions(mode, chrome),
                    system.parallelism());
        } catch (HazardException h) {
            int[] at = loaded.sources() == null ? null
                    : loaded.sources().position(h.chip(), h.queueId(), h.instructionIndex()).orElse(null);
            throw new InputException(input.toString(), at == null ? 1 : at[0], at == null ? 1 : at[1],
                    "hazard " + h.kind().name().toLowerCase(Locale.ROOT) + ": " + h.getMessage());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (chrome != null) {
            chrome.write(trace);
        }
        List<double[]> values = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String d : dumps) {
            String[] parts = d.split("@", 2);
            int chipId = 0;
            if (parts.length == 2) {
                try {
                    chipId = Integer.parseInt(parts[1]);
                } catch (NumberFormatException e) {
                    throw new InputException(input.toString(), 1, 1, "--dump " + d + ": the chip after '@' must be "
                            + "a number");
                }
            }
            int c = chipId;
            values.add(r.region(chipId, parts[0]).orElseThrow(() -> new InputException(input.toString(), 1, 1,
                    "--dump " + d + ": no region named '" + parts[0] + "' on chip " + c)));
            names.add(d);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.print(json(r, seconds, names, values, chrome));
        } else {
            summary(out, r, seconds, names, values, chrome);
        }
        out.flush();
        return 0;
    }

    private String json(SimResult r, double seconds, List<String> names, List<double[]> values, ChromeTrace chrome) {
        ObjectNode o = Outputs.json();
        o.put("program", input.toString());
        o.put("mode", r.mode() == Mode.FUNCTIONAL ? "functional" : "timing-only");
        o.put("chips", r.chipIds().size());
        if (system.system != null) {
            o.put("system", system.system);
            o.put("threads", system.threads());
            o.put("chips_simulated", r.chipsRun());
        }
        ParamEcho.json(o, target.changes());
        o.put("cycles", r.cycles());
        o.put("instructions", r.instructions());
        ObjectNode u = o.putObject("unit_utilization");
        for (Map.Entry<Unit, Double> e : r.unitUtilization().entrySet()) {
            u.put(e.getKey().name().toLowerCase(Locale.ROOT), e.getValue());
        }
        ObjectNode busy = o.putObject("busy_cycles");
        for (Resource res : Resource.values()) {
            if (res != Resource.NONE) {
                busy.put(res.name().toLowerCase(Locale.ROOT), r.busyCycles(res));
            }
        }
        o.put("sram_words_in_use", r.sramWordsInUse());
        o.put("trace_hash", TraceHash.hex(r.traceHash()));
        o.put("wall_seconds", seconds);
        o.put("instructions_per_second", seconds > 0 ? r.instructions() / seconds : 0);
        ArrayNode queues = o.putArray("queues");
        for (int c : r.chipIds()) {
            for (Queue q : target.chip().floorplan().queues()) {
                if (r.issued(c, q.id()) > 0) {
                    ObjectNode qn = queues.addObject();
                    qn.put("chip", c);
                    qn.put("queue", q.name());
                    qn.put("instructions", r.issued(c, q.id()));
                    qn.put("busy_cycles", r.busy(c, q.id()));
                    qn.put("utilization", r.cycles() == 0 ? 0 : (double) r.busy(c, q.id()) / r.cycles());
                }
            }
        }
        if (!names.isEmpty()) {
            ObjectNode d = o.putObject("dumps");
            for (int i = 0; i < names.size(); i++) {
                ArrayNode a = d.putArray(names.get(i));
                for (double v : values.get(i)) {
                    a.add(v);
                }
            }
        }
        if (chrome != null) {
            o.put("trace_file", trace.toString());
            o.put("trace_events", chrome.kept());
            o.put("trace_events_dropped", chrome.dropped());
        }
        return Outputs.text(o);
    }

    private void summary(PrintWriter out, SimResult r, double seconds, List<String> names, List<double[]> values,
                         ChromeTrace chrome) {
        out.printf("program        %s (%s, %d chip(s))%n", input, r.mode() == Mode.FUNCTIONAL ? "functional"
                : "timing-only", r.chipIds().size());
        if (system.system != null) {
            out.printf("system         %s, %d thread(s), %d of %d chip programs simulated (the rest identical)%n",
                    system.system, system.threads(), r.chipsRun(), r.chipIds().size());
        }
        ParamEcho.text(out, 15, target.changes());
        out.printf("cycles         %d (%.3f us at %.0f MHz)%n", r.cycles(),
                r.cycles() / (double) target.chip().clockHz() * 1e6, target.chip().clockHz() / 1e6);
        out.printf("instructions   %d%n", r.instructions());
        out.printf("utilisation    %s%n", String.join("  ", r.unitUtilization().entrySet().stream()
                .map(e -> String.format("%s %.1f%%", e.getKey().name().toLowerCase(Locale.ROOT), 100 * e.getValue()))
                .toList()));
        out.printf("sram in use    %d words%n", r.sramWordsInUse());
        out.printf("trace hash     %s%n", TraceHash.hex(r.traceHash()));
        out.printf("wall time      %.3f s (%.0f instructions/s)%n", seconds, seconds > 0 ? r.instructions() / seconds
                : 0);
        if (chrome != null) {
            out.printf("trace          %s (%d instructions%s)%n", trace, chrome.kept(),
                    chrome.dropped() > 0 ? ", " + chrome.dropped() + " outside the limit dropped" : "");
        }
        for (int i = 0; i < names.size(); i++) {
            out.printf("%s = %s%n", names.get(i), format(values.get(i)));
        }
    }

    private static String format(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ", ");
            sb.append(v[i] == Math.rint(v[i]) && Math.abs(v[i]) < 1e15 ? Long.toString((long) v[i])
                    : Double.toString(v[i]));
        }
        return sb.append(']').toString();
    }

    /** Cycles [from, to) of a trace. */
    private record Window(long from, long to) {
    }

    /** --trace-window, checked (and --trace-max-events with it). */
    private Window window() {
        String[] w = traceWindow.split(":");
        long from;
        long to;
        try {
            if (w.length != 2) {
                throw new NumberFormatException(traceWindow);
            }
            from = Long.parseLong(w[0]);
            to = Long.parseLong(w[1]);
        } catch (NumberFormatException e) {
            throw new InputException("--trace-window", 1, 1, "--trace-window takes FROM:TO, two whole numbers, "
                    + "got '" + traceWindow + "'");
        }
        if (from < 0 || from >= to) {
            throw new InputException("--trace-window", 1, 1, "--trace-window FROM:TO needs 0 <= FROM < TO (a "
                    + "window of cycles), got '" + traceWindow + "'");
        }
        if (traceMax < 1) {
            throw new InputException("--trace-max-events", 1, 1, "--trace-max-events must be at least 1 instruction, "
                    + "got " + traceMax);
        }
        return new Window(from, to);
    }
}
