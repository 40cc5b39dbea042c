// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

/**
 * What one step of a sequence carries through the pipeline: a decode step is one row through every layer and the
 * head; a prefill chunk is its rows through every layer, and only the last chunk goes on through the head (for its
 * last row: the first generated token); a speculative verify step is its rows (the last accepted token and the draft's
 * proposals) through every layer and all of them through the head, each row's logits choosing a token.
 *
 * @param rows        rows of activations (1 for decode; a chunk's prompt tokens; 1 + the draft's tokens)
 * @param throughHead whether the step goes on through the head and chooses tokens
 * @param headRows    rows the head works on (1 but for a verify step; 0 if not through the head)
 */
public record StepShape(int rows, boolean throughHead, int headRows) {
    /** A decode step. */
    public static final StepShape DECODE = new StepShape(1, true, 1);

    public StepShape {
        if (rows < 1) {
            throw new IllegalArgumentException("a step has at least one row, got " + rows);
        }
        if (throughHead ? headRows < 1 || headRows > rows : headRows != 0) {
            throw new IllegalArgumentException("a step through the head takes 1 to " + rows + " of its rows there, and "
                    + "one that does not takes none; got " + headRows);
        }
    }

    /** A prefill chunk of {@code rows} rows, the last of its prompt (through the head for its last row) or not. */
    public static StepShape chunk(int rows, boolean last) {
        return new StepShape(rows, last, last ? 1 : 0);
    }

    /** A speculative verify step of {@code rows} rows, every one through the head. */
    public static StepShape verify(int rows) {
        return new StepShape(rows, true, rows);
    }
}
