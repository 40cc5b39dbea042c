// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.node.ValueNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Parameters of a JSON description set by name, as {@code --chip-param NAME=VALUE} gives them. NAME is the dotted
 * path of a key that holds one value ({@code clock_hz}, {@code mxm.fp16_k}, {@code timing.mxm_install_cycles}); the
 * names come from the reader's {@link KeySchema}, so a key the schema gains is a name at once. VALUE is a JSON
 * number if it reads as one, else a string. The overrides are put into the parsed tree before the reader validates
 * it ({@link #applyTo}), so every value passes the checks a file's value would, and an error about one is located
 * at the option ({@code --chip-param:1:1:}). A name given twice is an error: which one was meant is not a guess to
 * make.
 *
 * @param option the command-line option they came from, where their errors are located
 * @param params in the order given (the order a report echoes them in)
 */
public record ParamOverrides(String option, List<Param> params) {
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    /**
     * One {@code NAME=VALUE}.
     *
     * @param name  the dotted key
     * @param value the value as given
     */
    public record Param(String name, String value) {
        public Param {
            if (name == null || name.isBlank() || value == null || value.isBlank()) {
                throw new IllegalArgumentException("a parameter has a name and a value, got " + name + "=" + value);
            }
        }

        @Override
        public String toString() {
            return name + "=" + value;
        }
    }

    public ParamOverrides {
        Objects.requireNonNull(option);
        params = List.copyOf(params);
        Set<String> names = new HashSet<>();
        for (Param p : params) {
            if (!names.add(p.name())) {
                throw new IllegalArgumentException(option + " names " + p.name() + " twice");
            }
        }
    }

    /** No overrides (from no option). */
    public static ParamOverrides none() {
        return new ParamOverrides("", List.of());
    }

    /**
     * Parses {@code NAME=VALUE} arguments of {@code option}; surrounding blanks of a name and a value are dropped.
     *
     * @throws InputException at the option: an argument not of that form, or a name given twice
     */
    public static ParamOverrides parse(String option, List<String> args) {
        List<Param> params = new ArrayList<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            String name = eq < 0 ? "" : arg.substring(0, eq).strip();
            String value = eq < 0 ? "" : arg.substring(eq + 1).strip();
            if (eq < 0 || name.isEmpty() || value.isEmpty()) {
                String what = eq < 0 ? "has no '='" : name.isEmpty() ? "has no name" : "has no value";
                throw new InputException(option, 1, 1, option + " takes NAME=VALUE, a dotted key of the "
                        + "description and its new value, e.g. " + option + " links.latency_cycles=300; '" + arg
                        + "' " + what);
            }
            for (Param p : params) {
                if (p.name().equals(name)) {
                    throw new InputException(option, 1, 1, option + " sets " + name + " twice (" + p + ", then "
                            + name + "=" + value + "); give each parameter once");
                }
            }
            params.add(new Param(name, value));
        }
        return new ParamOverrides(option, params);
    }

    public boolean isEmpty() {
        return params.isEmpty();
    }

    /**
     * Puts every value into {@code root}, the tree of {@code doc}, creating the groups a file left out (an empty
     * {@code "timing"}), and attributes each to the option so that the reader's errors about it are located there.
     *
     * @param what what the tree describes, for messages: "a chip description"
     * @throws InputException at the option: a name not in {@code schema}, a group, or a list
     */
    public void applyTo(LocatedJson doc, ObjectNode root, KeySchema schema, String what) {
        for (Param p : params) {
            ParamNames.check(option, p.name(), schema, what);
            String[] parts = p.name().split("\\.");
            ObjectNode parent = root;
            for (int i = 0; i < parts.length - 1; i++) {
                JsonNode child = parent.get(parts[i]);
                if (!(child instanceof ObjectNode)) {
                    // an optional group the file left out (one that is not an object failed as the file was read)
                    child = parent.objectNode();
                    doc.attribute(child, option);
                    parent.set(parts[i], child);
                }
                parent = (ObjectNode) child;
            }
            JsonNode value = value(p.value());
            doc.attribute(value, option);
            parent.set(parts[parts.length - 1], value);
        }
    }

    /** A fresh node (never a shared constant: the node is attributed by identity). */
    private static JsonNode value(String text) {
        if (!NUMBER.matcher(text).matches()) {
            return new TextNode(text);
        }
        boolean whole = text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0;
        return whole ? new BigIntegerNode(new BigInteger(text)) : new DecimalNode(new BigDecimal(text));
    }

    /**
     * What each override changed, in the order given: its value in {@code before} and in {@code after}, the
     * writer's full trees of the description read without and with the overrides.
     */
    public List<ParamChange> changes(String scope, JsonNode before, JsonNode after) {
        return params.stream().map(p -> new ParamChange(scope, p.name(), at(before, p.name()), at(after, p.name())))
                .toList();
    }

    private static ValueNode at(JsonNode tree, String path) {
        JsonNode n = tree;
        for (String part : path.split("\\.")) {
            n = n == null ? null : n.get(part);
        }
        return n instanceof ValueNode v ? v : NullNode.getInstance();
    }

    /**
     * An error of a description that was valid as read but not with the overrides (a rule between two keys, say),
     * located at the first option that gave any, naming them all; one already located at an option is returned as
     * it is.
     */
    public static InputException blame(InputException e, ParamOverrides... given) {
        List<ParamOverrides> active = Arrays.stream(given).filter(o -> !o.isEmpty()).toList();
        if (active.isEmpty() || active.stream().anyMatch(o -> o.option().equals(e.file()))) {
            return e;
        }
        String with = active.stream().flatMap(o -> o.params().stream().map(p -> o.option() + " " + p))
                .collect(Collectors.joining(" "));
        return new InputException(active.get(0).option(), 1, 1, e.getMessage() + " (" + e.file() + " with " + with
                + ")", e);
    }
}
