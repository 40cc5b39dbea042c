// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.asm;

/** One token of assembly text, with the 1-based line and column of its first character. */
record Token(Kind kind, String text, int line, int column) {
    enum Kind {
        /** Names, mnemonics, directives, streams: letters, digits, '_', '.', starting with a letter, '_' or '.'. */
        IDENT,
        /** Decimal, hex (0x), binary (0b) integers and decimal floats; the sign is a separate token. */
        NUMBER,
        /** A double-quoted string, without the quotes. */
        STRING,
        /** One of , [ ] ( ) + - * @ */
        PUNCT,
        /** End of a logical line (lines inside [ ] are joined). */
        NEWLINE,
        EOF
    }

    boolean is(String punct) {
        return kind == Kind.PUNCT && text.equals(punct);
    }

    String describe() {
        return switch (kind) {
            case NEWLINE -> "the end of the line";
            case EOF -> "the end of the file";
            case STRING -> "\"" + text + "\"";
            default -> "'" + text + "'";
        };
    }
}
