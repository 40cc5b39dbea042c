// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

/**
 * What one step of a sequence carries through the pipeline: a decode step is one row through every layer and the
 * head; a prefill chunk is its rows through every layer, and only the last chunk goes on through the head (for its
 * last row: the first generated token).
 *
 * @param rows        rows of activations (1 for decode; a chunk's prompt tokens)
 * @param throughHead whether the step goes on through the head and chooses a token
 */
public record StepShape(int rows, boolean throughHead) {
    /** A decode step. */
    public static final StepShape DECODE = new StepShape(1, true);

    public StepShape {
        if (rows < 1) {
            throw new IllegalArgumentException("a step has at least one row, got " + rows);
        }
    }

    /** A prefill chunk of {@code rows} rows, the last of its prompt or not. */
    public static StepShape chunk(int rows, boolean last) {
        return new StepShape(rows, last);
    }
}
