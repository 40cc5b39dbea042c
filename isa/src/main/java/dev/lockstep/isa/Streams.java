// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa;

import java.util.Locale;
import java.util.Optional;

/** The value of a {@link OperandKind#STREAM} operand: a direction and an index, and its text {@code e5}/{@code w5}. */
public final class Streams {
    private static final int WEST_BIT = 0x80;

    private Streams() {
    }

    public static long east(int index) {
        return index;
    }

    public static long west(int index) {
        return WEST_BIT | index;
    }

    public static boolean isWest(long value) {
        return (value & WEST_BIT) != 0;
    }

    public static int index(long value) {
        return (int) (value & 0x7F);
    }

    /** The stream {@code p} places after {@code base}, in the same direction: byte plane p of an operand. */
    public static long plane(long base, int p) {
        return isWest(base) ? west(index(base) + p) : east(index(base) + p);
    }

    public static String text(long value) {
        return (isWest(value) ? "w" : "e") + index(value);
    }

    /** Parses {@code e5} or {@code w12} (any case); empty if the text is not a stream. */
    public static Optional<Long> parse(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        if (t.length() < 2 || (t.charAt(0) != 'e' && t.charAt(0) != 'w')) {
            return Optional.empty();
        }
        for (int i = 1; i < t.length(); i++) {
            if (!Character.isDigit(t.charAt(i))) {
                return Optional.empty();
            }
        }
        if (t.length() > 4) {
            return Optional.of(-1L);
        }
        int index = Integer.parseInt(t.substring(1));
        if (index > 0x7F) {
            return Optional.of(-1L);
        }
        return Optional.of(t.charAt(0) == 'w' ? west(index) : east(index));
    }
}
