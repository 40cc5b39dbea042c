// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import dev.lockstep.isa.DataType;
import java.util.ArrayList;
import java.util.List;

/**
 * One MXM plane: the weight buffer LW fills, the array IW installs it into, and the accumulator rows ABC writes
 * and ACC drains. Values are kept in functional mode only; readiness cycles in both modes.
 */
final class MxmPlane {
    /** Type of the weights in the buffer, or null while empty. */
    DataType bufferType;
    /** First cycle at which the buffer holds all the rows of the last LW. */
    long bufferComplete = Long.MAX_VALUE;
    int bufferRowCount;
    double[][] bufferRows;

    /** Type of the installed weights, or null before the first IW. */
    DataType arrayType;
    /** First cycle at which the installed weights can be used. */
    long installed = Long.MAX_VALUE;
    int arrayRowCount;
    double[][] arrayRows;

    private final List<Row> rows = new ArrayList<>();

    /**
     * One accumulator row: what has landed in it (type, values, when) and what ABCs in flight will make it
     * ({@code pendingType}, {@code firstReady}: when the first products land).
     */
    static final class Row {
        long ready;
        DataType type;
        float[] f32;
        int[] i32;
        DataType pendingType;
        long firstReady = Long.MAX_VALUE;
    }

    Row row(int index) {
        while (rows.size() <= index) {
            rows.add(null);
        }
        Row r = rows.get(index);
        if (r == null) {
            r = new Row();
            r.ready = Long.MAX_VALUE;
            rows.set(index, r);
        }
        return r;
    }

    /** Rows allocated so far (some may be null). */
    int rowCount() {
        return rows.size();
    }

    /** The row if it has ever been written, else null. */
    Row existing(int index) {
        return index < rows.size() ? rows.get(index) : null;
    }
}
