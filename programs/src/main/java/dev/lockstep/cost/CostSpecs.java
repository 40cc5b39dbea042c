// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.isa.io.InputException;
import dev.lockstep.isa.io.LocatedJson;
import dev.lockstep.isa.io.Nearest;
import dev.lockstep.isa.io.SourceFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Cost descriptions: the presets (with their sources) and JSON files, validated with located errors. */
public final class CostSpecs {
    /** The presets, by name: the published analysis's Groq server and HGX H100 server. */
    public static final List<String> PRESETS = List.of("groq-2024", "h100-hgx-2024");

    private static final List<String> KEYS = List.of("name", "what", "accelerator", "server_price_usd",
            "accelerators_per_server",
            "cost_of_capital_per_year", "life_months", "hosting_usd_per_kw_month", "power_usd_per_kwh", "server_kw",
            "utilisation", "sources");

    private CostSpecs() {
    }

    public static CostSpec preset(String name) {
        if (!PRESETS.contains(name)) {
            throw new IllegalArgumentException("no cost preset " + name);
        }
        try (InputStream in = CostSpecs.class.getResourceAsStream(name + ".json")) {
            return parse(name + ".json", in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A preset name, or a path to a JSON cost description. */
    public static CostSpec presetOrFile(String nameOrPath) {
        if (PRESETS.contains(nameOrPath)) {
            return preset(nameOrPath);
        }
        if (!nameOrPath.endsWith(".json") && !nameOrPath.contains("/")) {
            throw new InputException(nameOrPath, 1, 1, "no cost preset named '" + nameOrPath + "'"
                    + Nearest.hint(nameOrPath, PRESETS) + "; give a preset (" + String.join(", ", PRESETS)
                    + ") or a .json file");
        }
        Path file = Path.of(nameOrPath);
        return parse(file.toString(), SourceFiles.readBytes(file));
    }

    /** Parses and validates a cost description. */
    public static CostSpec parse(String file, byte[] json) {
        LocatedJson doc = LocatedJson.parse(file, json);
        String where = "the cost description";
        ObjectNode root = doc.object(doc.root(), "a cost description");
        doc.rejectUnknownKeys(root, where, KEYS);
        String name = doc.text(doc.member(root, "name", where), "name");
        String what = root.has("what") ? doc.text(root.get("what"), "what") : name;
        String accelerator = doc.text(doc.member(root, "accelerator", where), "accelerator (the chip it prices, e.g. "
                + "tsp-v1)");
        double price = atLeastZero(doc, doc.member(root, "server_price_usd", where), "server_price_usd",
                "a price in dollars, 0 or more");
        int per = (int) doc.integer(doc.member(root, "accelerators_per_server", where), "accelerators_per_server", 1,
                1024);
        double rate = atLeastZero(doc, doc.member(root, "cost_of_capital_per_year", where), "cost_of_capital_per_year",
                "a yearly rate as a fraction (0.18 for 18 %)");
        JsonNode lifeNode = doc.member(root, "life_months", where);
        int life = (int) doc.integer(lifeNode, "life_months (the months over which the price is paid off)", 1, 1200);
        double hosting = atLeastZero(doc, doc.member(root, "hosting_usd_per_kw_month", where),
                "hosting_usd_per_kw_month", "dollars per kW per month, 0 or more");
        double power = root.has("power_usd_per_kwh") ? atLeastZero(doc, root.get("power_usd_per_kwh"),
                "power_usd_per_kwh", "dollars per kWh, 0 or more (0 where hosting includes power)") : 0;
        double kw = atLeastZero(doc, doc.member(root, "server_kw", where), "server_kw", "kW per server, 0 or more");
        double utilisation = 1;
        if (root.has("utilisation")) {
            JsonNode u = root.get("utilisation");
            if (!u.isNumber() || !(u.asDouble() > 0 && u.asDouble() <= 1)) {
                throw doc.error(u, "utilisation must be a share of the month in (0, 1] (1 for always serving), got "
                        + u);
            }
            utilisation = u.asDouble();
        }
        List<String> sources = new ArrayList<>();
        if (root.has("sources")) {
            for (JsonNode s : doc.array(root.get("sources"), "sources")) {
                sources.add(doc.text(s, "each source"));
            }
        }
        return new CostSpec(name, what, accelerator, price, per, rate, life, hosting, power, kw, utilisation, sources);
    }

    private static double atLeastZero(LocatedJson doc, JsonNode node, String key, String right) {
        if (!node.isNumber() || !(node.asDouble() >= 0) || Double.isInfinite(node.asDouble())) {
            throw doc.error(node, key + " must be " + right + ", got " + node);
        }
        return node.asDouble();
    }
}
