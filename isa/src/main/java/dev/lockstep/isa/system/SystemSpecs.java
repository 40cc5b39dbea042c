// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.system;

import static dev.lockstep.isa.io.KeySchema.group;
import static dev.lockstep.isa.io.KeySchema.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import dev.lockstep.isa.io.InputException;
import dev.lockstep.isa.io.KeySchema;
import dev.lockstep.isa.io.LocatedJson;
import dev.lockstep.isa.io.Nearest;
import dev.lockstep.isa.io.Overridden;
import dev.lockstep.isa.io.ParamChange;
import dev.lockstep.isa.io.ParamOverrides;
import dev.lockstep.isa.io.SourceFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * System descriptions: the presets and the JSON reader with located errors. The format:
 * <pre>
 * {"name": "tsp-576", "chip": "tsp-v1", "racks": 8, "nodes_per_rack": 9, "chips_per_node": 8,
 *  "global_links_per_chip": 4, "latency_cycles": {"local": 217, "rack": 217, "inter_rack": 217}}
 * </pre>
 * {@code chip} is a chip preset or a chip JSON file (relative to the system file); a missing latency takes the
 * chip's {@code links.latency_cycles}.
 */
public final class SystemSpecs {
    /** Names of the presets. */
    public static final List<String> PRESETS = List.of("node-8", "rack-72", "tsp-576", "tsp-256", "tsp-1152",
            "tsp-10440");
    /** Every key the reader accepts: the one statement of them (what it rejects, what an override may name). */
    public static final KeySchema SCHEMA = KeySchema.of(value("name"), value("chip"), value("racks"),
            value("nodes_per_rack"), value("chips_per_node"), value("global_links_per_chip"),
            group("latency_cycles", KeySchema.values(Arrays.stream(LinkKind.values()).map(LinkKind::key).toList())));

    private SystemSpecs() {
    }

    public static SystemSpec preset(String name) {
        return parse(name + ".json", presetBytes(name), null);
    }

    private static byte[] presetBytes(String name) {
        if (!PRESETS.contains(name)) {
            throw new IllegalArgumentException("unknown system preset '" + name + "'" + Nearest.hint(name, PRESETS)
                    + "; presets: " + String.join(", ", PRESETS));
        }
        try (InputStream in = SystemSpecs.class.getResourceAsStream(name + ".json")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A preset name, or a path to a JSON system description. */
    public static SystemSpec presetOrFile(String nameOrPath) {
        if (PRESETS.contains(nameOrPath)) {
            return preset(nameOrPath);
        }
        Path file = file(nameOrPath);
        return parse(file.toString(), SourceFiles.readBytes(file), file.toAbsolutePath().getParent());
    }

    /**
     * A preset name or a path to a JSON system description, with {@code system} applied to it and {@code chip} to
     * the chip it names.
     */
    public static Overridden<SystemSpec> presetOrFile(String nameOrPath, ParamOverrides system,
                                                      ParamOverrides chip) {
        if (PRESETS.contains(nameOrPath)) {
            return parse(nameOrPath + ".json", presetBytes(nameOrPath), null, system, chip);
        }
        Path file = file(nameOrPath);
        return parse(file.toString(), SourceFiles.readBytes(file), file.toAbsolutePath().getParent(), system, chip);
    }

    private static Path file(String nameOrPath) {
        if (!nameOrPath.endsWith(".json") && !nameOrPath.contains("/")) {
            throw new InputException(nameOrPath, 1, 1, "no system preset named '" + nameOrPath + "'"
                    + Nearest.hint(nameOrPath, PRESETS) + "; give a preset (" + String.join(", ", PRESETS)
                    + ") or a .json file");
        }
        return Path.of(nameOrPath);
    }

    /** Parses and validates a system description; {@code dir} resolves a chip file name (null: presets only). */
    public static SystemSpec parse(String file, byte[] json, Path dir) {
        return read(LocatedJson.parse(file, json), dir, ParamOverrides.none());
    }

    /**
     * Parses a system description and validates it as read (its errors are the file's, or its chip file's), then
     * again with {@code system} put in and its chip read with {@code chip}: an error then is the overrides' and is
     * located at their option. The changes list the chip's first, then the system's.
     */
    public static Overridden<SystemSpec> parse(String file, byte[] json, Path dir, ParamOverrides system,
                                               ParamOverrides chip) {
        SystemSpec read = parse(file, json, dir);
        if (system.isEmpty() && chip.isEmpty()) {
            return new Overridden<>(read, List.of());
        }
        LocatedJson doc = LocatedJson.parse(file, json);
        system.applyTo(doc, (ObjectNode) doc.root(), SCHEMA, "a system description");
        SystemSpec changed;
        try {
            changed = read(doc, dir, chip);
        } catch (InputException e) {
            throw ParamOverrides.blame(e, chip, system);
        }
        List<ParamChange> changes = new ArrayList<>(chip.changes("chip", ChipSpecs.toTree(read.chip()),
                ChipSpecs.toTree(changed.chip())));
        changes.addAll(system.changes("system", toTree(read), toTree(changed)));
        return new Overridden<>(changed, changes);
    }

    /** Validates {@code doc}; {@code chipOverrides} apply to the chip it names. */
    private static SystemSpec read(LocatedJson doc, Path dir, ParamOverrides chipOverrides) {
        ObjectNode root = doc.object(doc.root(), "a system description");
        String where = "the system description";
        doc.rejectUnknownKeys(root, where, SCHEMA.names());
        JsonNode nameNode = doc.member(root, "name", where);
        String name = doc.text(nameNode, "name");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
            throw doc.error(nameNode, "name must be 1 to 64 letters, digits, '_', '.' or '-', starting with a letter "
                    + "or digit, got \"" + name + "\"");
        }
        JsonNode chipNode = doc.member(root, "chip", where);
        String chipName = doc.text(chipNode, "chip");
        ChipSpec chip;
        if (ChipSpecs.PRESETS.contains(chipName)) {
            chip = ChipSpecs.preset(chipName, chipOverrides).spec();
        } else if (dir != null && chipName.endsWith(".json")) {
            chip = ChipSpecs.load(dir.resolve(chipName), chipOverrides).spec();
        } else {
            throw doc.error(chipNode, "chip must be a chip preset (" + String.join(", ", ChipSpecs.PRESETS)
                    + ") or a .json file next to the system file, got \"" + chipName + "\"");
        }
        int racks = (int) doc.integer(doc.member(root, "racks", where), "racks", 1, 1024);
        int nodes = (int) doc.integer(doc.member(root, "nodes_per_rack", where), "nodes_per_rack", 1, 1024);
        JsonNode cpnNode = doc.member(root, "chips_per_node", where);
        int cpn = (int) doc.integer(cpnNode, "chips_per_node", 1, chip.links().count() + 1);
        JsonNode globalNode = doc.member(root, "global_links_per_chip", where);
        int global = (int) doc.integer(globalNode, "global_links_per_chip", 0, chip.links().count());
        if ((long) racks * nodes * cpn > 65_536) {
            throw doc.error(root.get("racks"), "at most 65536 chips in a system; racks x nodes_per_rack x "
                    + "chips_per_node = " + (long) racks * nodes * cpn);
        }
        Map<LinkKind, Long> latency = new EnumMap<>(LinkKind.class);
        for (LinkKind k : LinkKind.values()) {
            latency.put(k, chip.links().latencyCycles());
        }
        if (root.has("latency_cycles")) {
            ObjectNode lat = doc.object(root.get("latency_cycles"), "latency_cycles");
            doc.rejectUnknownKeys(lat, "latency_cycles", SCHEMA.group("latency_cycles").names());
            for (LinkKind k : LinkKind.values()) {
                if (lat.has(k.key())) {
                    latency.put(k, doc.integer(lat.get(k.key()), "latency_cycles." + k.key(), 1, 1_000_000));
                }
            }
        }
        try {
            return new SystemSpec(name, chip, racks, nodes, cpn, global, latency);
        } catch (IllegalArgumentException e) {
            throw doc.error(globalNode, e.getMessage());
        }
    }

    /** The full description of {@code system} as a JSON tree, in the reader's schema (its chip by name). */
    public static ObjectNode toTree(SystemSpec system) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("name", system.name());
        root.put("chip", system.chip().name());
        root.put("racks", system.racks());
        root.put("nodes_per_rack", system.nodesPerRack());
        root.put("chips_per_node", system.chipsPerNode());
        root.put("global_links_per_chip", system.globalLinksPerChip());
        ObjectNode latency = root.putObject("latency_cycles");
        for (LinkKind k : LinkKind.values()) {
            latency.put(k.key(), system.latencyCycles(k));
        }
        return root;
    }
}
