// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.sim.Activity;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Energy per counted {@link Activity} event, static power per chip and host power per server: an estimate built
 * from published per-operation energies (each with its source in {@code energy-tsp-14nm.json}), scaled from 45 nm
 * to 14 nm by a stated factor. Only the static and host powers are fitted (see {@link EnergyFit}).
 *
 * @param name             the model's name
 * @param scale            the factor from 45 nm energies to 14 nm
 * @param events           per activity: its energy and what it is per
 * @param staticWPerChip   power a chip draws doing nothing counted (leakage, clocks, instruction dispatch)
 * @param hostWPerServer   the hosts, memory, network and fans of an 8-chip server
 */
public record EnergyModel(String name, double scale, Map<Activity, Event> events, double staticWPerChip,
                          double hostWPerServer) {
    /** The preset: a 14 nm TSP-class chip. */
    public static final String PRESET = "energy-tsp-14nm.json";

    /**
     * One activity's energy.
     *
     * @param picojoules picojoules per unit ({@code per}), at 14 nm
     * @param per        what a unit is: a multiply-add, a bit, a lane byte
     * @param basis      where the figure comes from
     */
    public record Event(double picojoules, Per per, String basis) {
    }

    /** The unit an event's energy is given per. */
    public enum Per {
        MULTIPLY_ADD, BIT, LANE_BYTE
    }

    public EnergyModel {
        events = Collections.unmodifiableMap(new EnumMap<>(events));
        for (Activity a : Activity.values()) {
            if (!events.containsKey(a)) {
                throw new IllegalArgumentException("no energy for " + a);
            }
        }
    }

    /** The preset model. */
    public static EnergyModel preset() {
        try (InputStream in = EnergyModel.class.getResourceAsStream(PRESET)) {
            JsonNode root = new ObjectMapper().readTree(in);
            double scale = root.get("scale_45nm_to_14nm").get("value").asDouble();
            Map<Activity, Event> events = new EnumMap<>(Activity.class);
            JsonNode ev = root.get("events_pj");
            for (Activity a : Activity.values()) {
                JsonNode e = ev.get(a.name());
                double pj = e.has("value_45nm") ? e.get("value_45nm").asDouble() * scale
                        : e.get("value_14nm").asDouble();
                Per per = Per.valueOf(e.get("per").asText().toUpperCase(Locale.ROOT).replace(' ', '_')
                        .replace('-', '_'));
                events.put(a, new Event(pj, per, e.get("basis").asText()));
            }
            return new EnergyModel(root.get("name").asText(), scale, events,
                    root.get("static_w_per_chip").get("value").asDouble(),
                    root.get("host_w_per_server").get("value").asDouble());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Picojoules of one counted event of {@code a} on {@code chip}. */
    public double picojoulesPerEvent(Activity a, ChipSpec chip) {
        Event e = events.get(a);
        double units = switch (a) {
            case MXM_INT8_PASSES -> (double) chip.mxm().pieceK(DataType.I8) * chip.mxm().cols();
            case MXM_FP16_PASSES -> (double) chip.mxm().pieceK(DataType.F16) * chip.mxm().cols();
            // an int8 plane's bytes; an fp16 piece's K x columns x 2 is the same on tsp-v1
            case MXM_INSTALLS -> 8.0 * chip.mxm().rows() * chip.mxm().cols();
            case VXM_PLANE_OPS -> chip.vectorBytes();
            default -> 8.0 * chip.vectorBytes();
        };
        Per expected = switch (a) {
            case MXM_INT8_PASSES, MXM_FP16_PASSES -> Per.MULTIPLY_ADD;
            case VXM_PLANE_OPS -> Per.LANE_BYTE;
            default -> Per.BIT;
        };
        if (e.per() != expected) {
            throw new IllegalStateException(a + " is counted per " + expected + ", its energy given per " + e.per());
        }
        return e.picojoules() * units;
    }

    /** Joules of the counted work {@code counts} (per activity ordinal) on {@code chip}. */
    public double joules(long[] counts, ChipSpec chip) {
        double pj = 0;
        for (Activity a : Activity.values()) {
            pj += counts[a.ordinal()] * picojoulesPerEvent(a, chip);
        }
        return pj * 1e-12;
    }
}
