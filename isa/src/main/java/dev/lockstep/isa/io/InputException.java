// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.io;

/**
 * Bad input, located: what every reader of user files throws, and what the command line prints as one line,
 * {@code error: FILE:LINE:COL: message}. Lines and columns count from 1. For binary files the line is 1 and
 * the column is the byte offset plus one.
 */
public final class InputException extends RuntimeException {
    private final String file;
    private final int line;
    private final int column;

    public InputException(String file, int line, int column, String message) {
        super(message);
        this.file = file;
        this.line = line;
        this.column = column;
    }

    public InputException(String file, int line, int column, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
        this.line = line;
        this.column = column;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The one line the command line prints. */
    public String toErrorLine() {
        return "error: " + file + ":" + line + ":" + column + ": " + getMessage();
    }
}
