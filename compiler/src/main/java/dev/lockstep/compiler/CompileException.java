// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler;

/** A problem the compiler cannot map onto the chip (it does not fit, or it is not supported), said plainly. */
public sealed class CompileException extends RuntimeException
        permits CompileException.ChunkSize, CompileException.NoChipPath, CompileException.TooManyPositions {
    public CompileException(String message) {
        super(message);
    }

    /**
     * A prefill chunk of its size that does not work where another size may: its kernels do not fit the scratch words
     * they share, or the last chunk waits a whole interval.
     */
    public static final class ChunkSize extends CompileException {
        public ChunkSize(String message) {
            super(message);
        }
    }

    /**
     * A run with data over more positions than its chips hold the kernels of (each position's kernels keep constants of
     * their own): {@link #fit} positions did.
     */
    public static final class TooManyPositions extends CompileException {
        private final int fit;

        public TooManyPositions(String message, int fit) {
            super(message);
            this.fit = fit;
        }

        /** Positions that fit. */
        public int fit() {
            return fit;
        }
    }

    /** A system whose wiring gives no chip path to lay a pipeline along (a fault of the system, not of the model). */
    public static final class NoChipPath extends CompileException {
        public NoChipPath(String message) {
            super(message);
        }
    }
}
