// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.asm;

import dev.lockstep.isa.asm.Token.Kind;
import dev.lockstep.isa.io.InputException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits assembly text into tokens. Comments run from ';' or '#' to the end of the line. Newlines inside
 * square brackets do not end the logical line, so long value lists may span lines.
 */
final class Lexer {
    private final String file;
    private final String text;
    private int pos;
    private int line = 1;
    private int lineStart;
    private int bracketDepth;
    private int bracketLine;
    private int bracketColumn;

    private Lexer(String file, String text) {
        this.file = file;
        this.text = text;
    }

    static List<Token> tokens(String file, String text) {
        return new Lexer(file, text).run();
    }

    private int column() {
        return pos - lineStart + 1;
    }

    private InputException error(String message) {
        return new InputException(file, line, column(), message);
    }

    private List<Token> run() {
        List<Token> out = new ArrayList<>();
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                if (bracketDepth == 0) {
                    out.add(new Token(Kind.NEWLINE, "\n", line, column()));
                }
                pos++;
                line++;
                lineStart = pos;
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
                pos++;
            } else if (c == ';' || c == '#') {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (Character.isLetter(c) || c == '_' || c == '.') {
                int start = pos;
                int col = column();
                while (pos < text.length() && isIdentPart(text.charAt(pos))) {
                    pos++;
                }
                out.add(new Token(Kind.IDENT, text.substring(start, pos), line, col));
            } else if (Character.isDigit(c)) {
                out.add(number());
            } else if (c == '"') {
                out.add(string());
            } else if ("[](),+-*@".indexOf(c) >= 0) {
                if (c == '[') {
                    if (bracketDepth == 0) {
                        bracketLine = line;
                        bracketColumn = column();
                    }
                    bracketDepth++;
                } else if (c == ']') {
                    if (bracketDepth == 0) {
                        throw error("']' without a matching '['");
                    }
                    bracketDepth--;
                }
                out.add(new Token(Kind.PUNCT, String.valueOf(c), line, column()));
                pos++;
            } else if (c == 0 || Character.isISOControl(c) || c == '\uFFFD') {
                throw error(String.format("unexpected character U+%04X: this does not look like assembly text "
                        + "(is it a binary file? use 'lockstep disasm' for .lsb files)", (int) c));
            } else if (Character.isWhitespace(c) || Character.getType(c) == Character.FORMAT
                    || Character.isSpaceChar(c)) {
                throw error(String.format("unexpected invisible character U+%04X", (int) c));
            } else {
                throw error("unexpected character '" + c + "'");
            }
        }
        if (bracketDepth > 0) {
            throw new InputException(file, bracketLine, bracketColumn, "'[' is never closed with ']'");
        }
        out.add(new Token(Kind.NEWLINE, "\n", line, column()));
        out.add(new Token(Kind.EOF, "", line, column()));
        return out;
    }

    private static boolean isIdentPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.';
    }

    private Token number() {
        int start = pos;
        int col = column();
        if (text.startsWith("0x", pos) || text.startsWith("0X", pos) || text.startsWith("0b", pos)
                || text.startsWith("0B", pos)) {
            pos += 2;
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
                pos++;
            }
            return new Token(Kind.NUMBER, text.substring(start, pos), line, col);
        }
        while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
            pos++;
        }
        if (pos + 1 < text.length() && text.charAt(pos) == '.' && Character.isDigit(text.charAt(pos + 1))) {
            pos++;
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
            }
        }
        if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            int save = pos;
            pos++;
            if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                pos++;
            }
            if (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                    pos++;
                }
            } else {
                pos = save;
            }
        }
        if (pos < text.length() && isIdentPart(text.charAt(pos))) {
            throw new InputException(file, line, col, "malformed number '" + text.substring(start, pos + 1) + "'");
        }
        return new Token(Kind.NUMBER, text.substring(start, pos), line, col);
    }

    private Token string() {
        int col = column();
        int start = ++pos;
        while (pos < text.length() && text.charAt(pos) != '"' && text.charAt(pos) != '\n') {
            pos++;
        }
        if (pos >= text.length() || text.charAt(pos) != '"') {
            throw new InputException(file, line, col, "string is not closed with '\"' on its line");
        }
        String s = text.substring(start, pos);
        pos++;
        return new Token(Kind.STRING, s, line, col);
    }
}
