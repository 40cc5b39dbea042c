// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import dev.lockstep.isa.io.InputException;
import dev.lockstep.isa.io.LocatedJson;
import dev.lockstep.isa.io.Nearest;
import dev.lockstep.isa.io.SourceFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
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
    public static final List<String> PRESETS = List.of("node-8", "rack-72", "tsp-256", "tsp-576");

    private SystemSpecs() {
    }

    public static SystemSpec preset(String name) {
        if (!PRESETS.contains(name)) {
            throw new IllegalArgumentException("unknown system preset '" + name + "'" + Nearest.hint(name, PRESETS)
                    + "; presets: " + String.join(", ", PRESETS));
        }
        try (InputStream in = SystemSpecs.class.getResourceAsStream(name + ".json")) {
            return parse(name + ".json", in.readAllBytes(), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A preset name, or a path to a JSON system description. */
    public static SystemSpec presetOrFile(String nameOrPath) {
        if (PRESETS.contains(nameOrPath)) {
            return preset(nameOrPath);
        }
        if (!nameOrPath.endsWith(".json") && !nameOrPath.contains("/")) {
            throw new InputException(nameOrPath, 1, 1, "no system preset named '" + nameOrPath + "'"
                    + Nearest.hint(nameOrPath, PRESETS) + "; give a preset (" + String.join(", ", PRESETS)
                    + ") or a .json file");
        }
        Path file = Path.of(nameOrPath);
        return parse(file.toString(), SourceFiles.readBytes(file), file.toAbsolutePath().getParent());
    }

    /** Parses and validates a system description; {@code dir} resolves a chip file name (null: presets only). */
    public static SystemSpec parse(String file, byte[] json, Path dir) {
        LocatedJson doc = LocatedJson.parse(file, json);
        ObjectNode root = doc.object(doc.root(), "a system description");
        String where = "the system description";
        doc.rejectUnknownKeys(root, where, List.of("name", "chip", "racks", "nodes_per_rack", "chips_per_node",
                "global_links_per_chip", "latency_cycles"));
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
            chip = ChipSpecs.preset(chipName);
        } else if (dir != null && chipName.endsWith(".json")) {
            chip = ChipSpecs.load(dir.resolve(chipName));
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
            doc.rejectUnknownKeys(lat, "latency_cycles", List.of("local", "rack", "inter_rack"));
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
}
