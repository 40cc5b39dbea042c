// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.io;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The keys a JSON reader accepts, as a tree: each key holds one value, a list, or a group of further keys. A reader
 * states its schema once and uses it twice: to reject unknown keys ({@link LocatedJson#rejectUnknownKeys}, with
 * {@link #names()} of a level) and to resolve the dotted names of {@link ParamOverrides} ({@code mxm.fp16_k}).
 * Whether a key is required, and what values it takes, stays with the reader.
 *
 * @param keys the keys of this level, in the order a reader lists them
 */
public record KeySchema(List<Key> keys) {
    /** What a key holds. */
    public enum Kind {
        /** One value: a number or a string. */
        VALUE,
        /** A JSON array. */
        LIST,
        /** A JSON object of further keys. */
        GROUP
    }

    /**
     * One key.
     *
     * @param name  the key
     * @param kind  what it holds
     * @param group its keys if it is a {@link Kind#GROUP}, else null
     */
    public record Key(String name, Kind kind, KeySchema group) {
        public Key {
            if (name == null || name.isEmpty() || name.contains(".")) {
                throw new IllegalArgumentException("a key is a non-empty name without '.', got " + name);
            }
            if ((kind == Kind.GROUP) != (group != null)) {
                throw new IllegalArgumentException(name + ": a group, and only a group, has keys");
            }
        }
    }

    public KeySchema {
        keys = List.copyOf(keys);
        Set<String> seen = new HashSet<>();
        for (Key k : keys) {
            if (!seen.add(k.name())) {
                throw new IllegalArgumentException("key '" + k.name() + "' stated twice");
            }
        }
    }

    public static KeySchema of(Key... keys) {
        return new KeySchema(List.of(keys));
    }

    /** A key that holds one value. */
    public static Key value(String name) {
        return new Key(name, Kind.VALUE, null);
    }

    /** Keys that hold one value each, in order. */
    public static List<Key> values(List<String> names) {
        return names.stream().map(KeySchema::value).toList();
    }

    /** A key that holds a list. */
    public static Key list(String name) {
        return new Key(name, Kind.LIST, null);
    }

    /** A key that holds a group of further keys. */
    public static Key group(String name, Key... keys) {
        return new Key(name, Kind.GROUP, of(keys));
    }

    /** A key that holds a group of further keys. */
    public static Key group(String name, List<Key> keys) {
        return new Key(name, Kind.GROUP, new KeySchema(keys));
    }

    /** The names of this level's keys, in order (what {@link LocatedJson#rejectUnknownKeys} takes). */
    public List<String> names() {
        return keys.stream().map(Key::name).toList();
    }

    /** The keys of the group {@code name} of this level. */
    public KeySchema group(String name) {
        return keys.stream().filter(k -> k.name().equals(name) && k.kind() == Kind.GROUP).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no group '" + name + "' in " + names())).group();
    }

    /** The key at a dotted path ({@code mxm.fp16_k}), if the schema has one there. */
    public Optional<Key> find(String path) {
        KeySchema level = this;
        Key found = null;
        for (String part : path.split("\\.", -1)) {
            if (level == null) {
                return Optional.empty();
            }
            found = level.keys.stream().filter(k -> k.name().equals(part)).findFirst().orElse(null);
            if (found == null) {
                return Optional.empty();
            }
            level = found.group();
        }
        return Optional.ofNullable(found);
    }

    /** The dotted path of every key that holds one value, depth first in the schema's order. */
    public List<String> valuePaths() {
        List<String> out = new ArrayList<>();
        for (Key k : keys) {
            if (k.kind() == Kind.VALUE) {
                out.add(k.name());
            } else if (k.kind() == Kind.GROUP) {
                k.group().valuePaths().forEach(p -> out.add(k.name() + "." + p));
            }
        }
        return out;
    }
}
