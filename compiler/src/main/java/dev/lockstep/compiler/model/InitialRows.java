// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.dataflow.Row;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.program.DataBlock;
import dev.lockstep.isa.program.Region;
import dev.lockstep.isa.program.VectorLayout;
import dev.lockstep.isa.semantics.Lanes;
import java.util.ArrayList;
import java.util.List;

/** Initial SRAM contents for a row that no kernel brings (the embedding's row of a token in a plan with data). */
final class InitialRows {
    private InitialRows() {
    }

    /**
     * The data blocks that put {@code values} into whole f32 row {@code row} ({@code vectorBytes} lanes a vector),
     * rounded to f32, zeros past them.
     */
    static List<DataBlock> f32(Row row, double[] values, int vectorBytes) {
        if (row.offset() != 0 || row.length() != values.length) {
            throw new IllegalArgumentException("a whole row of " + row.length() + " values is given "
                    + values.length);
        }
        List<DataBlock> out = new ArrayList<>();
        for (int v = 0; v < row.vectors().size(); v++) {
            Region r = row.vectors().get(v);
            if (r.dtype() != DataType.F32 || r.slices().size() != DataType.F32.bytes()) {
                throw new IllegalArgumentException("an f32 row's vector takes 4 slices; got " + r);
            }
            long[] bits = new long[vectorBytes];
            for (int l = 0; l < vectorBytes && v * vectorBytes + l < values.length; l++) {
                bits[l] = Lanes.roundBits(DataType.F32, values[v * vectorBytes + l]);
            }
            byte[][] planes = VectorLayout.planes(DataType.F32, bits, vectorBytes);
            for (int p = 0; p < planes.length; p++) {
                out.add(new DataBlock(r.slices().get(p), r.address(), planes[p]));
            }
        }
        return out;
    }
}
