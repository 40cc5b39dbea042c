// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler;

/** A problem the compiler cannot map onto the chip (it does not fit, or it is not supported), said plainly. */
public sealed class CompileException extends RuntimeException permits CompileException.TooManyRows {
    public CompileException(String message) {
        super(message);
    }

    /** A step of several rows (a prefill chunk) whose kernels do not fit the scratch words they share: fewer rows may. */
    public static final class TooManyRows extends CompileException {
        public TooManyRows(String message) {
            super(message);
        }
    }
}
