// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.isa.io.InputException;
import dev.lockstep.isa.system.LinkKind;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import dev.lockstep.isa.system.Topology;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lockstep topology SYSTEM}: the wiring of a system. */
@Command(name = "topology", mixinStandardHelpOptions = true,
        description = "Print a system's topology: chips, links by kind, hop counts between chips, bisection "
                + "bandwidth, and (with --from/--to) the route between two chips.")
final class TopologyCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PRESET|FILE", defaultValue = "tsp-576",
            description = "A system preset (node-8, rack-72, tsp-256, tsp-576, tsp-1152, tsp-10440) or a JSON file. "
                    + "Default: "
                    + "${DEFAULT-VALUE}.")
    String system;

    @Option(names = "--from", paramLabel = "CHIP", description = "With --to: print the route between two chips.")
    Integer from;

    @Option(names = "--to", paramLabel = "CHIP")
    Integer to;

    @Option(names = "--json", description = "Print only a JSON object on stdout.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        SystemSpec s = SystemSpecs.presetOrFile(system);
        Topology t = new Topology(s);
        if ((from == null) != (to == null)) {
            throw new InputException("--from", 1, 1, "give both --from and --to, or neither");
        }
        if (from != null && (from < 0 || from >= t.chips() || to < 0 || to >= t.chips())) {
            throw new InputException("--from", 1, 1, "chips are 0.." + (t.chips() - 1) + " in " + s.name()
                    + ", got --from " + from + " --to " + to);
        }
        long[] histogram = new long[16];
        int diameter = 0;
        for (int a = 0; a < t.chips(); a++) {
            for (int b = 0; b < t.chips(); b++) {
                int h = t.hops(a, b);
                if (a != b && h > 0) {
                    histogram[h]++;
                    diameter = Math.max(diameter, h);
                }
            }
        }
        double pairs = (double) t.chips() * (t.chips() - 1);
        double mean = 0;
        for (int h = 1; h < histogram.length; h++) {
            mean += h * histogram[h] / pairs;
        }
        double linkBytes = s.chip().links().bytesPerSecondPerDirection();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode o = Outputs.json();
            o.put("system", s.name());
            o.put("chip", s.chip().name());
            o.put("chips", t.chips());
            o.put("racks", s.racks());
            o.put("nodes", s.nodes());
            ObjectNode links = o.putObject("links");
            for (LinkKind k : LinkKind.values()) {
                ObjectNode kn = links.putObject(k.key());
                kn.put("count", t.connectedLinks(k));
                kn.put("latency_cycles", s.latencyCycles(k));
            }
            o.put("link_bytes_per_second_per_direction", linkBytes);
            o.put("link_vector_cycles", s.vectorCycles());
            o.put("diameter_hops", diameter);
            o.put("mean_hops", mean);
            ArrayNode hist = o.putArray("hop_histogram");
            for (int h = 1; h <= diameter; h++) {
                hist.add(histogram[h]);
            }
            o.put("bisection_links", t.bisectionLinks());
            o.put("bisection_bytes_per_second", t.bisectionLinks() * linkBytes * 2);
            if (from != null) {
                ArrayNode r = o.putArray("route");
                for (Topology.Hop h : t.route(from, to)) {
                    ObjectNode hn = r.addObject();
                    hn.put("chip", h.chip());
                    hn.put("link", h.link());
                    hn.put("to", t.farChip(h.chip(), h.link()));
                    hn.put("kind", t.kind(h.chip(), h.link()).key());
                }
            }
            out.print(Outputs.text(o));
        } else {
            out.printf("system        %s: %d racks x %d nodes x %d chips of %s = %d chips%n", s.name(), s.racks(),
                    s.nodesPerRack(), s.chipsPerNode(), s.chip().name(), t.chips());
            for (LinkKind k : LinkKind.values()) {
                out.printf("%-13s %d cables, latency %d cycles%n", k.key().replace('_', '-') + " links",
                        t.connectedLinks(k), s.latencyCycles(k));
            }
            out.printf("link rate     %.1f GB/s per direction: one %d-byte vector (a %d-byte frame) per %d cycles%n",
                    linkBytes / 1e9, s.chip().vectorBytes(), s.chip().links().frameBytes(s.chip().vectorBytes()),
                    s.vectorCycles());
            out.printf("hops          diameter %d, mean %.2f over all ordered pairs%n", diameter, mean);
            StringBuilder hb = new StringBuilder();
            for (int h = 1; h <= diameter; h++) {
                hb.append(String.format(Locale.ROOT, "%s%d hop%s: %d pairs", h > 1 ? ", " : "", h, h > 1 ? "s" : "",
                        histogram[h]));
            }
            out.printf("              %s%n", hb);
            out.printf("bisection     %d links between chips 0..%d and %d..%d: %.1f GB/s each way%n",
                    t.bisectionLinks(), t.chips() / 2 - 1, t.chips() / 2, t.chips() - 1,
                    t.bisectionLinks() * linkBytes / 1e9);
            if (from != null) {
                StringBuilder rb = new StringBuilder(String.valueOf(from));
                for (Topology.Hop h : t.route(from, to)) {
                    rb.append(" -[link ").append(h.link()).append(", ").append(t.kind(h.chip(), h.link()).key())
                            .append("]-> ").append(t.farChip(h.chip(), h.link()));
                }
                out.printf("route         %s (%d hops)%n", rb, t.hops(from, to));
            }
        }
        out.flush();
        return 0;
    }
}
