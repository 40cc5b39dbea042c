// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.chip;

import static dev.lockstep.isa.io.KeySchema.group;
import static dev.lockstep.isa.io.KeySchema.list;
import static dev.lockstep.isa.io.KeySchema.value;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.TimingParam;
import dev.lockstep.isa.Unit;
import dev.lockstep.isa.io.InputException;
import dev.lockstep.isa.io.KeySchema;
import dev.lockstep.isa.io.LocatedJson;
import dev.lockstep.isa.io.Nearest;
import dev.lockstep.isa.io.Overridden;
import dev.lockstep.isa.io.ParamOverrides;
import dev.lockstep.isa.io.SourceFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chip descriptions: the presets shipped with Lockstep, and the JSON reader and writer with located errors. A
 * description may be read with {@link ParamOverrides} (any key of {@link #SCHEMA} set by name).
 */
public final class ChipSpecs {
    /** Names of the presets, in the order {@code --help} lists them. */
    public static final List<String> PRESETS = List.of("tsp-v1");
    /** Every key the reader accepts: the one statement of them (what it rejects, what an override may name). */
    public static final KeySchema SCHEMA = KeySchema.of(value("name"), value("clock_hz"), value("superlanes"),
            value("lanes_per_superlane"), value("streams_per_direction"), list("floorplan"),
            group("mem", value("words_per_slice"), value("banks"), value("accesses_per_bank_per_cycle"),
                    value("queues_per_slice")),
            group("vxm", value("alus_per_lane"), value("queues_per_slice")),
            group("mxm", value("planes_per_slice"), value("rows"), value("cols"), value("int8_k"), value("fp16_k"),
                    value("fp16_planes_per_piece"), value("queues_per_slice"), value("weight_streams")),
            group("sxm", value("queues_per_slice"), list("also_issues")),
            group("links", value("count"), value("bytes_per_second_per_direction"), value("framing_bytes"),
                    value("latency_cycles")),
            group("timing", KeySchema.values(Arrays.stream(TimingParam.values()).map(TimingParam::key).toList())));
    private static final String WHAT = "a chip description";
    private static final int MAX_SLICES = 4096;

    private ChipSpecs() {
    }

    /** A preset by name. */
    public static ChipSpec preset(String name) {
        return parse(name + ".json", presetBytes(name));
    }

    /** A preset by name, with {@code overrides} applied. */
    public static Overridden<ChipSpec> preset(String name, ParamOverrides overrides) {
        return parse(name + ".json", presetBytes(name), overrides);
    }

    private static byte[] presetBytes(String name) {
        if (!PRESETS.contains(name)) {
            throw new IllegalArgumentException("unknown chip preset '" + name + "'" + Nearest.hint(name, PRESETS)
                    + "; presets: " + String.join(", ", PRESETS));
        }
        try (InputStream in = ChipSpecs.class.getResourceAsStream(name + ".json")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tsp-v1 preset: the published numbers of the reference chip. */
    public static ChipSpec tspV1() {
        return preset("tsp-v1");
    }

    /** A preset name, or a path to a JSON chip description. */
    public static ChipSpec presetOrFile(String nameOrPath) {
        return PRESETS.contains(nameOrPath) ? preset(nameOrPath) : load(file(nameOrPath));
    }

    /** A preset name or a path to a JSON chip description, with {@code overrides} applied. */
    public static Overridden<ChipSpec> presetOrFile(String nameOrPath, ParamOverrides overrides) {
        return PRESETS.contains(nameOrPath) ? preset(nameOrPath, overrides) : load(file(nameOrPath), overrides);
    }

    private static Path file(String nameOrPath) {
        if (!nameOrPath.endsWith(".json") && !nameOrPath.contains("/")) {
            throw new InputException(nameOrPath, 1, 1, "no chip preset named '" + nameOrPath + "'"
                    + Nearest.hint(nameOrPath, PRESETS) + "; give a preset (" + String.join(", ", PRESETS)
                    + ") or a .json file");
        }
        return Path.of(nameOrPath);
    }

    public static ChipSpec load(Path file) {
        return parse(file.toString(), SourceFiles.readBytes(file));
    }

    /** A JSON chip description, with {@code overrides} applied. */
    public static Overridden<ChipSpec> load(Path file, ParamOverrides overrides) {
        return parse(file.toString(), SourceFiles.readBytes(file), overrides);
    }

    /** Parses and validates a chip description. */
    public static ChipSpec parse(String file, byte[] json) {
        return read(LocatedJson.parse(file, json));
    }

    /**
     * Parses a chip description, validates it as read (its errors are the file's), then again with
     * {@code overrides} put in: an error then is the overrides' and is located at their option.
     */
    public static Overridden<ChipSpec> parse(String file, byte[] json, ParamOverrides overrides) {
        ChipSpec read = parse(file, json);
        if (overrides.isEmpty()) {
            return new Overridden<>(read, List.of());
        }
        LocatedJson doc = LocatedJson.parse(file, json);
        overrides.applyTo(doc, (ObjectNode) doc.root(), SCHEMA, WHAT);
        ChipSpec changed;
        try {
            changed = read(doc);
        } catch (InputException e) {
            throw ParamOverrides.blame(e, overrides);
        }
        return new Overridden<>(changed, overrides.changes("chip", toTree(read), toTree(changed)));
    }

    private static ChipSpec read(LocatedJson doc) {
        ObjectNode root = doc.object(doc.root(), WHAT);
        doc.rejectUnknownKeys(root, "the chip description", SCHEMA.names());
        JsonNode nameNode = doc.member(root, "name", "the chip description");
        String name = doc.text(nameNode, "name");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
            throw doc.error(nameNode, "name must be 1 to 64 letters, digits, '_', '.' or '-', starting with a letter "
                    + "or digit, got \"" + name + "\"");
        }
        long clock = doc.integer(doc.member(root, "clock_hz", "the chip description"), "clock_hz", 1,
                100_000_000_000L);
        int superlanes = (int) doc.integer(doc.member(root, "superlanes", "the chip description"), "superlanes", 1,
                256);
        int lanes = (int) doc.integer(doc.member(root, "lanes_per_superlane", "the chip description"),
                "lanes_per_superlane", 1, 256);
        if (superlanes * lanes > 0xFFFF) {
            throw doc.error(root.get("superlanes"), "superlanes x lanes_per_superlane must be at most 65535");
        }
        int streams = (int) doc.integer(doc.member(root, "streams_per_direction", "the chip description"),
                "streams_per_direction", 1, 128);
        List<SliceKind> layout = layout(doc, doc.member(root, "floorplan", "the chip description"));

        ObjectNode mem = section(doc, root, "mem");
        MemSpec memSpec = new MemSpec(
                (int) doc.integer(doc.member(mem, "words_per_slice", "mem"), "mem.words_per_slice", 1, 0x10000),
                (int) doc.integer(doc.member(mem, "banks", "mem"), "mem.banks", 1, 64),
                (int) doc.integer(doc.member(mem, "accesses_per_bank_per_cycle", "mem"),
                        "mem.accesses_per_bank_per_cycle", 1, 8),
                queues(doc, mem, "mem"));
        ObjectNode vxm = section(doc, root, "vxm");
        VxmSpec vxmSpec = new VxmSpec(
                (int) doc.integer(doc.member(vxm, "alus_per_lane", "vxm"), "vxm.alus_per_lane", 1, 1024),
                queues(doc, vxm, "vxm"));
        ObjectNode mxm = section(doc, root, "mxm");
        MxmSpec mxmSpec = new MxmSpec(
                (int) doc.integer(doc.member(mxm, "planes_per_slice", "mxm"), "mxm.planes_per_slice", 1, 16),
                (int) doc.integer(doc.member(mxm, "rows", "mxm"), "mxm.rows", 1, 0xFFFF),
                (int) doc.integer(doc.member(mxm, "cols", "mxm"), "mxm.cols", 1, 0xFFFF),
                (int) doc.integer(doc.member(mxm, "int8_k", "mxm"), "mxm.int8_k", 1, 0xFFFF),
                (int) doc.integer(doc.member(mxm, "fp16_k", "mxm"), "mxm.fp16_k", 1, 0xFFFF),
                (int) doc.integer(doc.member(mxm, "fp16_planes_per_piece", "mxm"), "mxm.fp16_planes_per_piece", 1, 16),
                queues(doc, mxm, "mxm"),
                (int) doc.integer(doc.member(mxm, "weight_streams", "mxm"), "mxm.weight_streams", 2, 0xFF));
        if (mxmSpec.planesPerSlice() % mxmSpec.fp16PlanesPerPiece() != 0) {
            throw doc.error(mxm.get("fp16_planes_per_piece"), "mxm.fp16_planes_per_piece must divide "
                    + "mxm.planes_per_slice (" + mxmSpec.planesPerSlice() + ")");
        }
        ObjectNode sxm = section(doc, root, "sxm");
        Set<Unit> also = EnumSet.noneOf(Unit.class);
        if (sxm.has("also_issues")) {
            for (JsonNode u : doc.array(sxm.get("also_issues"), "sxm.also_issues")) {
                String text = doc.text(u, "an entry of sxm.also_issues");
                Unit unit = Arrays.stream(Unit.values()).filter(x -> x.name().equalsIgnoreCase(text)).findFirst()
                        .orElseThrow(() -> doc.error(u, "unknown unit '" + text + "'; units: "
                                + Arrays.toString(Unit.values())));
                if (unit != Unit.C2C) {
                    throw doc.error(u, "sxm.also_issues may only name C2C (the chip-to-chip instructions), got '"
                            + text + "'");
                }
                also.add(unit);
            }
        }
        SxmSpec sxmSpec = new SxmSpec(queues(doc, sxm, "sxm"), also);
        ObjectNode links = section(doc, root, "links");
        LinkSpec linkSpec = new LinkSpec(
                (int) doc.integer(doc.member(links, "count", "links"), "links.count", 0, 32),
                doc.positive(doc.member(links, "bytes_per_second_per_direction", "links"),
                        "links.bytes_per_second_per_direction"),
                (int) doc.integer(doc.member(links, "framing_bytes", "links"), "links.framing_bytes", 0, 4096),
                doc.integer(doc.member(links, "latency_cycles", "links"), "links.latency_cycles", 1, 1_000_000));
        long vectorCycles = linkSpec.vectorCycles(superlanes * lanes, clock);
        if (vectorCycles > 1_000_000) {
            throw doc.error(links.get("bytes_per_second_per_direction"), "links.bytes_per_second_per_direction is so "
                    + "small that one vector would take " + vectorCycles + " cycles on a link; at most 1000000");
        }
        Map<TimingParam, Long> overrides = new EnumMap<>(TimingParam.class);
        if (root.has("timing")) {
            ObjectNode timing = doc.object(root.get("timing"), "timing");
            doc.rejectUnknownKeys(timing, "timing", SCHEMA.group("timing").names());
            for (TimingParam p : TimingParam.values()) {
                if (timing.has(p.key())) {
                    overrides.put(p, doc.integer(timing.get(p.key()), "timing." + p.key(), 1, p.max()));
                }
            }
        }
        int memSlices = (int) layout.stream().filter(k -> k == SliceKind.MEM).count();
        if (memSlices == 0) {
            throw doc.error(root.get("floorplan"), "the floorplan has no MEM slice; a chip needs at least one");
        }
        checkWeightStreams(doc, mxm.get("weight_streams"), mxmSpec, streams, layout);
        return new ChipSpec(name, clock, superlanes, lanes, streams, layout, memSpec, vxmSpec, mxmSpec, sxmSpec,
                linkSpec, Timing.withOverrides(overrides));
    }

    /**
     * The weight-stream group must hold whole fp16 rows (an even count), fit the streams of one direction, and be
     * fed every cycle by MEM slices of the hemisphere (a slice reads one vector per cycle onto one stream): at most
     * as many streams as the hemisphere with fewer MEM slices has.
     */
    private static void checkWeightStreams(LocatedJson doc, JsonNode at, MxmSpec mxm, int streams,
                                           List<SliceKind> layout) {
        int w = mxm.weightStreams();
        if (w % DataType.F16.bytes() != 0) {
            throw doc.error(at, "mxm.weight_streams must be even (an fp16 weight row takes 2 streams), got " + w);
        }
        if (w > streams) {
            throw doc.error(at, "mxm.weight_streams is " + w + " but the chip has " + streams + " streams per "
                    + "direction; at most " + streams);
        }
        int center = layout.indexOf(SliceKind.VXM);
        if (center < 0) {
            return; // the floorplan's own check names the missing VXM
        }
        int west = 0;
        int east = 0;
        for (int p = 0; p < layout.size(); p++) {
            if (layout.get(p) == SliceKind.MEM) {
                if (p < center) {
                    west++;
                } else {
                    east++;
                }
            }
        }
        // only a hemisphere with an MXM feeds weights
        boolean westMxm = layout.subList(0, center).contains(SliceKind.MXM);
        boolean eastMxm = layout.subList(center, layout.size()).contains(SliceKind.MXM);
        int feed = Math.min(westMxm ? west : Integer.MAX_VALUE, eastMxm ? east : Integer.MAX_VALUE);
        if (feed < DataType.F16.bytes()) {
            throw doc.error(at, "an MXM's hemisphere has " + feed + " MEM slices; its weight streams need at least "
                    + DataType.F16.bytes() + " (one per stream of an fp16 row)");
        }
        if (w > feed) {
            throw doc.error(at, "mxm.weight_streams is " + w + " but a hemisphere has " + feed + " MEM slices to "
                    + "feed them (one vector per slice per cycle); at most " + (feed - feed % 2));
        }
    }

    private static ObjectNode section(LocatedJson doc, ObjectNode root, String key) {
        ObjectNode obj = doc.object(doc.member(root, key, "the chip description"), key);
        doc.rejectUnknownKeys(obj, key, SCHEMA.group(key).names());
        return obj;
    }

    private static int queues(LocatedJson doc, ObjectNode section, String name) {
        return (int) doc.integer(doc.member(section, "queues_per_slice", name), name + ".queues_per_slice", 0, 64);
    }

    private static List<SliceKind> layout(LocatedJson doc, JsonNode node) {
        List<SliceKind> layout = new ArrayList<>();
        for (JsonNode item : doc.array(node, "floorplan")) {
            String text = doc.text(item, "a floorplan entry").trim();
            String[] parts = text.split("\\s+");
            int repeat = 1;
            if (parts.length == 2 && parts[1].matches("x[0-9]{1,4}")) {
                repeat = Integer.parseInt(parts[1].substring(1));
            } else if (parts.length != 1) {
                throw doc.error(item, "floorplan entry '" + text + "' must be a slice kind, optionally followed by "
                        + "a count, like \"MEM x44\"");
            }
            SliceKind kind = SliceKind.fromText(parts[0]).orElseThrow(() -> doc.error(item, "unknown slice kind '"
                    + parts[0] + "'; kinds: MEM, VXM, MXM, SXM"));
            if (repeat < 1 || layout.size() + repeat > MAX_SLICES) {
                throw doc.error(item, "floorplan counts must be 1.." + MAX_SLICES + " slices in all");
            }
            for (int i = 0; i < repeat; i++) {
                layout.add(kind);
            }
        }
        long vxms = layout.stream().filter(k -> k == SliceKind.VXM).count();
        if (vxms != 1) {
            throw doc.error(node, "the floorplan must have exactly one VXM (the centre of the chip), got " + vxms);
        }
        return layout;
    }

    /** The full description of {@code chip} as JSON, every timing parameter included, in the loader's schema. */
    public static String toJson(ChipSpec chip) {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toTree(chip))
                    + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The full description of {@code chip} as a JSON tree (what {@link #toJson} prints). */
    public static ObjectNode toTree(ChipSpec chip) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("name", chip.name());
        root.put("clock_hz", chip.clockHz());
        root.put("superlanes", chip.superlanes());
        root.put("lanes_per_superlane", chip.lanesPerSuperlane());
        root.put("streams_per_direction", chip.streamsPerDirection());
        ArrayNode plan = root.putArray("floorplan");
        List<SliceKind> layout = chip.floorplan().layout();
        for (int i = 0; i < layout.size(); ) {
            int j = i;
            while (j < layout.size() && layout.get(j) == layout.get(i)) {
                j++;
            }
            plan.add(layout.get(i).name() + (j - i > 1 ? " x" + (j - i) : ""));
            i = j;
        }
        ObjectNode mem = root.putObject("mem");
        mem.put("words_per_slice", chip.mem().wordsPerSlice());
        mem.put("banks", chip.mem().banks());
        mem.put("accesses_per_bank_per_cycle", chip.mem().accessesPerBankPerCycle());
        mem.put("queues_per_slice", chip.mem().queuesPerSlice());
        ObjectNode vxm = root.putObject("vxm");
        vxm.put("alus_per_lane", chip.vxm().alusPerLane());
        vxm.put("queues_per_slice", chip.vxm().queuesPerSlice());
        ObjectNode mxm = root.putObject("mxm");
        mxm.put("planes_per_slice", chip.mxm().planesPerSlice());
        mxm.put("rows", chip.mxm().rows());
        mxm.put("cols", chip.mxm().cols());
        mxm.put("int8_k", chip.mxm().int8K());
        mxm.put("fp16_k", chip.mxm().fp16K());
        mxm.put("fp16_planes_per_piece", chip.mxm().fp16PlanesPerPiece());
        mxm.put("queues_per_slice", chip.mxm().queuesPerSlice());
        mxm.put("weight_streams", chip.mxm().weightStreams());
        ObjectNode sxm = root.putObject("sxm");
        sxm.put("queues_per_slice", chip.sxm().queuesPerSlice());
        ArrayNode also = sxm.putArray("also_issues");
        chip.sxm().alsoIssues().stream().sorted().forEach(u -> also.add(u.name()));
        ObjectNode links = root.putObject("links");
        links.put("count", chip.links().count());
        links.put("bytes_per_second_per_direction", chip.links().bytesPerSecondPerDirection());
        links.put("framing_bytes", chip.links().framingBytes());
        links.put("latency_cycles", chip.links().latencyCycles());
        ObjectNode timing = root.putObject("timing");
        for (TimingParam p : TimingParam.values()) {
            timing.put(p.key(), chip.timing().cycles(p));
        }
        return root;
    }
}
