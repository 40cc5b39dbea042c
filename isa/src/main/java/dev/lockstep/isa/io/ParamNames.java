// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.io;

import java.util.List;
import java.util.stream.Collectors;

/** The names {@link ParamOverrides} take: the dotted paths of a {@link KeySchema}'s single-valued keys. */
final class ParamNames {
    private ParamNames() {
    }

    /**
     * Checks that {@code name} is a key of {@code schema} that holds one value.
     *
     * @param what what the schema describes, for messages: "a chip description"
     * @throws InputException at {@code option}: an unknown name (naming the nearest), a group (naming its keys), a
     *                        list
     */
    static void check(String option, String name, KeySchema schema, String what) {
        KeySchema.Key key = schema.find(name).orElseThrow(() -> new InputException(option, 1, 1,
                "unknown parameter '" + name + "' of " + what + unknownHint(name, schema)));
        if (key.kind() == KeySchema.Kind.GROUP) {
            throw new InputException(option, 1, 1, name + " is a group of parameters, not one; name one of its "
                    + "keys: " + prefixed(name, key.group().valuePaths()));
        }
        if (key.kind() == KeySchema.Kind.LIST) {
            throw new InputException(option, 1, 1, name + " holds a list, which NAME=VALUE does not set; change it "
                    + "in a copy of the description file and give that file instead");
        }
    }

    /** The nearest names (the same last key in another group, or a typo away), else the names to choose from. */
    private static String unknownHint(String name, KeySchema schema) {
        List<String> paths = schema.valuePaths();
        String last = name.substring(name.lastIndexOf('.') + 1);
        List<String> near = endingIn(paths, last);
        if (near.isEmpty()) {
            near = Nearest.to(name, paths).map(List::of).orElse(List.of());
        }
        if (near.isEmpty()) {
            List<String> lastKeys = paths.stream().map(p -> p.substring(p.lastIndexOf('.') + 1)).distinct().toList();
            near = Nearest.to(last, lastKeys).map(k -> endingIn(paths, k)).orElse(List.of());
        }
        if (!near.isEmpty()) {
            List<String> quoted = near.stream().map(n -> "'" + n + "'").toList();
            int n = quoted.size();
            return " (did you mean " + (n == 1 ? "" : String.join(", ", quoted.subList(0, n - 1)) + " or ")
                    + quoted.get(n - 1) + "?)";
        }
        int dot = name.lastIndexOf('.');
        if (dot > 0 && schema.find(name.substring(0, dot)).map(k -> k.kind() == KeySchema.Kind.GROUP)
                .orElse(false)) {
            String group = name.substring(0, dot);
            return "; " + group + " has " + prefixed(group, schema.find(group).orElseThrow().group().valuePaths());
        }
        return "; its parameters: " + schema.keys().stream().filter(k -> k.kind() != KeySchema.Kind.LIST)
                .map(k -> k.kind() == KeySchema.Kind.GROUP ? k.name() + ".*" : k.name())
                .collect(Collectors.joining(", "));
    }

    private static List<String> endingIn(List<String> paths, String key) {
        return paths.stream().filter(p -> p.equals(key) || p.endsWith("." + key)).toList();
    }

    private static String prefixed(String group, List<String> paths) {
        return paths.stream().map(p -> group + "." + p).collect(Collectors.joining(", "));
    }
}
