// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/** Published GPU (and the report's own Groq) serving figures for Mixtral-8x7B, as data: never simulated here. */
public final class GpuReference {
    /**
     * One published row.
     *
     * @param deployment           what was deployed
     * @param tokensPerSecondPerUser the published speed per user, if given
     * @param usdPerMillionTokens  the published cost per million tokens, if given
     */
    public record Row(String deployment, OptionalDouble tokensPerSecondPerUser, OptionalDouble usdPerMillionTokens) {
    }

    /** The rows and their source. */
    public record Table(String source, List<Row> rows) {
        public Table {
            rows = List.copyOf(rows);
        }
    }

    private GpuReference() {
    }

    public static Table table() {
        try (InputStream in = GpuReference.class.getResourceAsStream("gpu-reference.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            List<Row> rows = new ArrayList<>();
            for (JsonNode r : root.get("rows")) {
                rows.add(new Row(r.get("deployment").asText(), number(r.get("tokens_per_second_per_user")),
                        number(r.get("usd_per_million_tokens"))));
            }
            return new Table(root.get("source").asText(), rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static OptionalDouble number(JsonNode n) {
        return n == null || n.isNull() ? OptionalDouble.empty() : OptionalDouble.of(n.asDouble());
    }
}
