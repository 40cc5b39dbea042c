// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.run;

/**
 * A run that cannot be done as asked, with why and what would do: a model that needs more chips (and how many), a
 * plan whose kernels do not compile, a prefill that does not fit. Not a bug: the user's input meets a limit.
 */
public final class RunRefused extends RuntimeException {
    public RunRefused(String message, Throwable cause) {
        super(message, cause);
    }
}
