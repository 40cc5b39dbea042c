// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON document whose every value remembers where it stood in the file, so that a reader can say
 * {@code error: file:line:col: ...} about a value that parses but makes no sense (a negative clock, an unknown
 * key). Duplicate keys are errors. The location map is keyed by node identity: it is only ever looked up,
 * never iterated, so its order cannot reach a result. A value put into the tree after parsing (a command-line
 * override, {@link ParamOverrides}) can be {@link #attribute attributed} to where it came from.
 */
public final class LocatedJson {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final String file;
    private final JsonNode root;
    private final Map<JsonNode, int[]> locations;
    private final Map<JsonNode, Map<String, int[]>> keyLocations;
    private final Map<JsonNode, String> sources = new IdentityHashMap<>();

    private LocatedJson(String file, JsonNode root, Map<JsonNode, int[]> locations,
                        Map<JsonNode, Map<String, int[]>> keyLocations) {
        this.file = file;
        this.root = root;
        this.locations = locations;
        this.keyLocations = keyLocations;
    }

    /** Parses {@code text}; a syntax error becomes an {@link InputException} at its position. */
    public static LocatedJson parse(String file, byte[] text) {
        Map<JsonNode, int[]> locations = new IdentityHashMap<>();
        Map<JsonNode, Map<String, int[]>> keyLocations = new IdentityHashMap<>();
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new InputException(file, 1, 1, "the file is empty; expected a JSON object");
            }
            JsonNode root = read(parser, locations, keyLocations);
            if (parser.nextToken() != null) {
                JsonLocation at = parser.currentTokenLocation();
                throw new InputException(file, line(at), column(at), "unexpected content after the JSON value");
            }
            return new LocatedJson(file, root, locations, keyLocations);
        } catch (JsonParseException e) {
            JsonLocation at = e.getLocation();
            String message = e.getOriginalMessage();
            int cut = message.indexOf('\n');
            throw new InputException(file, at == null ? 1 : line(at), at == null ? 1 : column(at),
                    "malformed JSON: " + (cut < 0 ? message : message.substring(0, cut)), e);
        } catch (IOException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            int cut = message.indexOf('\n');
            int[] at = {1, 1};
            if (e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null) {
                at = new int[] {line(jpe.getLocation()), column(jpe.getLocation())};
            }
            throw new InputException(file, at[0], at[1], "cannot read JSON: " + (cut < 0 ? message
                    : message.substring(0, cut)), e);
        }
    }

    public static LocatedJson parse(String file, String text) {
        return parse(file, text.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode read(JsonParser p, Map<JsonNode, int[]> locations,
                                 Map<JsonNode, Map<String, int[]>> keyLocations) throws IOException {
        JsonLocation at = p.currentTokenLocation();
        JsonNodeFactory f = JsonNodeFactory.instance;
        JsonNode node = switch (p.currentToken()) {
            case START_OBJECT -> {
                ObjectNode obj = f.objectNode();
                Map<String, int[]> keys = new java.util.HashMap<>();
                keyLocations.put(obj, keys);
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    JsonLocation keyAt = p.currentTokenLocation();
                    keys.put(key, new int[] {line(keyAt), column(keyAt)});
                    p.nextToken();
                    obj.set(key, read(p, locations, keyLocations));
                }
                yield obj;
            }
            case START_ARRAY -> {
                ArrayNode arr = f.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    arr.add(read(p, locations, keyLocations));
                }
                yield arr;
            }
            case VALUE_STRING -> f.textNode(p.getText());
            case VALUE_NUMBER_INT -> f.numberNode(p.getBigIntegerValue());
            case VALUE_NUMBER_FLOAT -> f.numberNode(p.getDecimalValue());
            case VALUE_TRUE -> f.booleanNode(true);
            case VALUE_FALSE -> f.booleanNode(false);
            case VALUE_NULL -> f.nullNode();
            default -> throw new JsonParseException(p, "unexpected token " + p.currentToken());
        };
        locations.put(node, new int[] {line(at), column(at)});
        return node;
    }

    private static int line(JsonLocation at) {
        return Math.max(1, at.getLineNr());
    }

    private static int column(JsonLocation at) {
        return Math.max(1, at.getColumnNr());
    }

    public String file() {
        return file;
    }

    public JsonNode root() {
        return root;
    }

    /**
     * Records that {@code node} was not in the file but came from {@code source} (a command-line option), so that an
     * {@link #error} about it is located there, at 1:1.
     */
    public void attribute(JsonNode node, String source) {
        sources.put(node, source);
    }

    /**
     * An error located at {@code node}: where it stood in the file, where it was {@link #attribute attributed} to,
     * or the start of the file if it has no location.
     */
    public InputException error(JsonNode node, String message) {
        String source = sources.get(node);
        if (source != null) {
            return new InputException(source, 1, 1, message);
        }
        int[] at = locations.getOrDefault(node, new int[] {1, 1});
        return new InputException(file, at[0], at[1], message);
    }

    /** The object at {@code node}, or an error naming what {@code what} should be. */
    public ObjectNode object(JsonNode node, String what) {
        if (node instanceof ObjectNode obj) {
            return obj;
        }
        throw error(node, what + " must be a JSON object");
    }

    /** Fails on the first key of {@code obj} not in {@code known}, suggesting the nearest known key. */
    public void rejectUnknownKeys(ObjectNode obj, String where, Collection<String> known) {
        for (Map.Entry<String, JsonNode> e : obj.properties()) {
            if (!known.contains(e.getKey())) {
                int[] at = keyLocations.getOrDefault(obj, Map.of()).getOrDefault(e.getKey(), new int[] {1, 1});
                throw new InputException(file, at[0], at[1], "unknown key '" + e.getKey() + "' in " + where
                        + Nearest.hint(e.getKey(), known) + "; known keys: " + String.join(", ", known));
            }
        }
    }

    /** The required member {@code key} of {@code obj}. */
    public JsonNode member(ObjectNode obj, String key, String where) {
        JsonNode v = obj.get(key);
        if (v == null) {
            throw error(obj, where + " lacks required key '" + key + "'");
        }
        return v;
    }

    /** A whole number in [min, max]. */
    public long integer(JsonNode node, String what, long min, long max) {
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw error(node, what + " must be a whole number in " + min + ".." + max + ", got " + node);
        }
        long v = node.asLong();
        if (v < min || v > max) {
            throw error(node, what + " must be in " + min + ".." + max + ", got " + v);
        }
        return v;
    }

    /** A positive finite number. */
    public double positive(JsonNode node, String what) {
        if (!node.isNumber() || !(node.asDouble() > 0) || Double.isInfinite(node.asDouble())) {
            throw error(node, what + " must be a positive number, got " + node);
        }
        return node.asDouble();
    }

    public String text(JsonNode node, String what) {
        if (!node.isTextual() || node.asText().isBlank()) {
            throw error(node, what + " must be a non-empty string, got " + node);
        }
        return node.asText();
    }

    /** The elements of an array. */
    public List<JsonNode> array(JsonNode node, String what) {
        if (!node.isArray()) {
            throw error(node, what + " must be a JSON array");
        }
        List<JsonNode> out = new ArrayList<>();
        node.forEach(out::add);
        return out;
    }
}
