// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler;

/** A problem the compiler cannot map onto the chip (it does not fit, or it is not supported), said plainly. */
public final class CompileException extends RuntimeException {
    public CompileException(String message) {
        super(message);
    }
}
