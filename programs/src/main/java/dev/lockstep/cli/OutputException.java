// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

/** An output file that cannot be written; printed as one {@code error:} line with exit code 1. */
final class OutputException extends RuntimeException {
    OutputException(String message, Throwable cause) {
        super(message, cause);
    }
}
