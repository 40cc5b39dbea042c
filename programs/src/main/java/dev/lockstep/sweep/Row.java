// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One point's outcome: its figures (from its run's JSON report), or why it did not run (its error line). Wall-clock
 * times are not kept, so that a sweep's rows are the same whoever runs them, sharded or not.
 *
 * @param point   the configuration
 * @param error   the run's error line, if it failed (a model that does not fit, say)
 * @param figures its figures, if it ran
 */
public record Row(Grid.Point point, Optional<String> error, Optional<Figures> figures) {
    /** The columns of the CSV, in order (the JSON lines have the same fields). */
    public static final List<String> COLUMNS = List.of("index", "settings", "status", "error", "model", "system",
            "chips", "chips_bought", "batch", "weights", "context", "prompt_tokens", "tokens_per_second_per_user",
            "tokens_per_second_total", "time_to_first_token_s", "cycles_per_token", "watts_per_chip_average",
            "system_kw", "joules_per_token", "usd_per_month", "usd_per_million_tokens",
            "usd_per_million_tokens_at_simulated_power", "break_even_speedup", "trace_hash");

    /**
     * What a run reported that a sweep keeps.
     *
     * @param model model name
     * @param system system name
     * @param chips chips used
     * @param chipsBought chips of the servers used
     * @param batch sequences in flight per pipeline
     * @param weights weight precision
     * @param context context tokens
     * @param promptTokens the prefill's prompt (0 if none)
     * @param tokensPerSecondPerUser per sequence
     * @param tokensPerSecondTotal over all sequences
     * @param timeToFirstToken seconds, with a prompt
     * @param cyclesPerToken between two tokens of a sequence
     * @param wattsPerChip the mean power per chip (an estimate)
     * @param systemKw with hosts
     * @param joulesPerToken energy per generated token
     * @param cost what it costs, where the run was priced (a chip no cost description prices is not)
     * @param traceHash the run's trace hash
     */
    public record Figures(String model, String system, int chips, int chipsBought, int batch, String weights,
                          int context, int promptTokens, double tokensPerSecondPerUser, double tokensPerSecondTotal,
                          OptionalDouble timeToFirstToken, long cyclesPerToken, double wattsPerChip, double systemKw,
                          double joulesPerToken, Optional<Cost> cost, String traceHash) {
    }

    /**
     * A run's cost.
     *
     * @param usdPerMonth at the published power per server
     * @param usdPerMillion per million generated tokens at the published power
     * @param usdPerMillionSimulated at the simulated power
     * @param breakEven the speed-up needed to break even at the run's price
     */
    public record Cost(double usdPerMonth, double usdPerMillion, double usdPerMillionSimulated, double breakEven) {
    }

    public static Row failed(Grid.Point p, String error) {
        return new Row(p, Optional.of(error), Optional.empty());
    }

    /** The row of a run's JSON report ({@code lockstep run --json}). */
    public static Row ran(Grid.Point p, JsonNode r) {
        JsonNode power = r.get("power");
        JsonNode cost = r.get("cost");
        JsonNode prefill = r.get("prefill");
        return new Row(p, Optional.empty(), Optional.of(new Figures(r.get("model").asText(), r.get("system").asText(),
                r.get("chips").asInt(), power.get("chips_powered").asInt(), r.get("batch").asInt(),
                r.get("weights").asText(), r.get("context_tokens").asInt(),
                prefill == null ? 0 : prefill.get("prompt_tokens").asInt(),
                r.get("tokens_per_second_per_user").asDouble(), r.get("tokens_per_second_total").asDouble(),
                r.has("time_to_first_token_s") ? OptionalDouble.of(r.get("time_to_first_token_s").asDouble())
                        : OptionalDouble.empty(), r.get("cycles_per_token").asLong(),
                power.get("watts_per_chip_average").asDouble(), power.get("system_kw").asDouble(),
                power.get("joules_per_token").asDouble(), cost == null ? Optional.empty() : Optional.of(new Cost(
                        cost.get("usd_per_month_at_published_power").asDouble(),
                        cost.get("usd_per_million_tokens_at_published_power").asDouble(),
                        cost.get("usd_per_million_tokens_at_simulated_power").asDouble(),
                        cost.get("break_even_speedup").asDouble())), r.get("trace_hash").asText())));
    }

    /** As a JSON object with {@link #COLUMNS}' fields (the missing ones left out). */
    public ObjectNode json() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("index", point.index());
        o.put("settings", point.label());
        o.put("status", error.isPresent() ? "error" : "ok");
        error.ifPresent(e -> o.put("error", e));
        figures.ifPresent(f -> {
            o.put("model", f.model());
            o.put("system", f.system());
            o.put("chips", f.chips());
            o.put("chips_bought", f.chipsBought());
            o.put("batch", f.batch());
            o.put("weights", f.weights());
            o.put("context", f.context());
            o.put("prompt_tokens", f.promptTokens());
            o.put("tokens_per_second_per_user", f.tokensPerSecondPerUser());
            o.put("tokens_per_second_total", f.tokensPerSecondTotal());
            f.timeToFirstToken().ifPresent(t -> o.put("time_to_first_token_s", t));
            o.put("cycles_per_token", f.cyclesPerToken());
            o.put("watts_per_chip_average", f.wattsPerChip());
            o.put("system_kw", f.systemKw());
            o.put("joules_per_token", f.joulesPerToken());
            f.cost().ifPresent(c -> {
                o.put("usd_per_month", c.usdPerMonth());
                o.put("usd_per_million_tokens", c.usdPerMillion());
                o.put("usd_per_million_tokens_at_simulated_power", c.usdPerMillionSimulated());
                o.put("break_even_speedup", c.breakEven());
            });
            o.put("trace_hash", f.traceHash());
        });
        return o;
    }

    /** Reads back what {@link #json()} wrote, for the point {@code p}. */
    public static Row fromJson(Grid.Point p, JsonNode o) {
        if (o.get("status").asText().equals("error")) {
            return failed(p, o.get("error").asText());
        }
        return new Row(p, Optional.empty(), Optional.of(new Figures(o.get("model").asText(), o.get("system").asText(),
                o.get("chips").asInt(), o.get("chips_bought").asInt(), o.get("batch").asInt(),
                o.get("weights").asText(), o.get("context").asInt(), o.get("prompt_tokens").asInt(),
                o.get("tokens_per_second_per_user").asDouble(), o.get("tokens_per_second_total").asDouble(),
                o.has("time_to_first_token_s") ? OptionalDouble.of(o.get("time_to_first_token_s").asDouble())
                        : OptionalDouble.empty(), o.get("cycles_per_token").asLong(),
                o.get("watts_per_chip_average").asDouble(), o.get("system_kw").asDouble(),
                o.get("joules_per_token").asDouble(), o.has("usd_per_month") ? Optional.of(new Cost(
                        o.get("usd_per_month").asDouble(), o.get("usd_per_million_tokens").asDouble(),
                        o.get("usd_per_million_tokens_at_simulated_power").asDouble(),
                        o.get("break_even_speedup").asDouble())) : Optional.empty(), o.get("trace_hash").asText())));
    }

    /** As a CSV line (no newline), {@link #COLUMNS} in order; text quoted where it must be. */
    public String csv() {
        ObjectNode o = json();
        StringBuilder sb = new StringBuilder();
        for (String c : COLUMNS) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            JsonNode v = o.get(c);
            if (v == null) {
                continue;
            }
            String s = v.isTextual() ? v.asText() : v.toString();
            if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
                s = "\"" + s.replace("\"", "\"\"").replace("\n", " ") + "\"";
            }
            sb.append(s);
        }
        return sb.toString();
    }
}
