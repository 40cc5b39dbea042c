// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.asm.Disassembler;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.Queue;
import dev.lockstep.isa.program.Program;
import dev.lockstep.sim.IssueListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A Chrome trace-event timeline (opens in ui.perfetto.dev and chrome://tracing): one process per chip, one track
 * per queue (each instruction as a slice of its dispatch) and one per resource instance (each occupancy). One
 * microsecond of trace time is one cycle. Only issues in the cycle window are kept, and at most
 * {@code maxEvents}; the rest are counted, so the file stays a sane size for long runs.
 */
final class ChromeTrace implements IssueListener {
    private final ChipSpec chipSpec;
    private final Program program;
    private final long fromCycle;
    private final long toCycle;
    private final long maxEvents;
    private final List<Issued> events = new ArrayList<>();
    private final TreeMap<String, Integer> resourceTracks = new TreeMap<>();
    private final TreeMap<Long, String> queueTracks = new TreeMap<>();
    private long dropped;

    /** One issue kept for the timeline; {@code resource} names the instance it holds, or is null. */
    private record Issued(int chip, int queueId, long cycle, Instruction instruction, long occupancy,
                          String resource) {
    }

    ChromeTrace(ChipSpec chipSpec, Program program, long fromCycle, long toCycle, long maxEvents) {
        this.chipSpec = chipSpec;
        this.program = program;
        this.fromCycle = fromCycle;
        this.toCycle = toCycle;
        this.maxEvents = maxEvents;
    }

    @Override
    public void issued(int chip, Queue queue, long cycle, Instruction ins, long occupancy, String resource) {
        if (cycle < fromCycle || cycle >= toCycle) {
            return;
        }
        if (events.size() >= maxEvents) {
            dropped++;
            return;
        }
        queueTracks.put(((long) chip << 32) | queue.id(), queue.name());
        if (resource != null) {
            resourceTracks.putIfAbsent(chip + "\u0000" + resource, 0);
        }
        events.add(new Issued(chip, queue.id(), cycle, ins, occupancy, resource));
    }

    long dropped() {
        return dropped;
    }

    long kept() {
        return events.size();
    }

    void write(Path file) {
        int next = 1000;
        for (String key : resourceTracks.keySet()) {
            resourceTracks.put(key, next++);
        }
        try (JsonGenerator g = new JsonFactory().createGenerator(file.toFile(), JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("displayTimeUnit", "ns");
            g.writeArrayFieldStart("traceEvents");
            for (var e : queueTracks.entrySet()) {
                meta(g, (int) (e.getKey() >>> 32), (int) (long) e.getKey(), "queue " + e.getValue());
            }
            for (var e : resourceTracks.entrySet()) {
                String[] parts = e.getKey().split("\u0000", 2);
                meta(g, Integer.parseInt(parts[0]), e.getValue(), parts[1]);
            }
            for (Issued e : events) {
                Instruction ins = e.instruction();
                String text = Disassembler.instruction(ins, program);
                slice(g, e.chip(), e.queueId(), e.cycle(), ins.opcode().dispatch().cycles(chipSpec, ins),
                        ins.opcode().mnemonic(), text);
                if (e.resource() != null) {
                    slice(g, e.chip(), resourceTracks.get(e.chip() + "\u0000" + e.resource()), e.cycle(),
                            e.occupancy(), ins.opcode().mnemonic(), text);
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException ex) {
            throw new OutputException(file + ": cannot write the trace: " + ex.getMessage(), ex);
        }
    }

    private static void meta(JsonGenerator g, int pid, int tid, String name) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", "thread_name");
        g.writeStringField("ph", "M");
        g.writeNumberField("pid", pid);
        g.writeNumberField("tid", tid);
        g.writeObjectFieldStart("args");
        g.writeStringField("name", name);
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void slice(JsonGenerator g, int pid, int tid, long cycle, long duration, String name, String text)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("ph", "X");
        g.writeNumberField("pid", pid);
        g.writeNumberField("tid", tid);
        g.writeNumberField("ts", cycle);
        g.writeNumberField("dur", duration);
        g.writeObjectFieldStart("args");
        g.writeStringField("instruction", text);
        g.writeNumberField("cycle", cycle);
        g.writeEndObject();
        g.writeEndObject();
    }

}
