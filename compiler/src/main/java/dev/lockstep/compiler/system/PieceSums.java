// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.SramMap;
import dev.lockstep.isa.DataType;
import java.util.Set;
import java.util.TreeSet;

/**
 * The sum kernels of a chip that adds a row in pieces while transfers run ({@link PieceSchedule}): {@code inputs}
 * rows of one piece, for a whole piece and for the last, shorter one. Compiled with every staging slice (the west
 * lanes', and the east lanes' where the chip has them, {@link EastLanes}) counted as full, so that they use no
 * lane's queue or slice; placed as temporaries (they overlap each other's words, never in time). Those of the
 * schedule chosen are kept for later collectives on the chip ({@link SumKernels#keepBesideLanes}), their words
 * taken there; the others are only tried.
 */
final class PieceSums {
    private final int chip;
    private final int inputs;
    private final int[] sizes;
    private final DataType type;
    private final Set<Integer> staging;
    private final CompiledKernel[] kernels = new CompiledKernel[2];

    /** The sums of {@code inputs} rows on {@code chip}, for pieces of {@code piece} of {@code vectors} vectors. */
    PieceSums(Collectives col, SystemBuild build, int chip, int inputs, int vectors, DataType type, int piece) {
        this.chip = chip;
        this.inputs = inputs;
        this.type = type;
        staging = new TreeSet<>(Exchange.stagingPositions(build));
        EastLanes.of(build.chip(), build.lanes()).ifPresent(e -> {
            staging.add(e.send().staging());
            staging.add(e.receive().staging());
        });
        SramMap avoiding = build.chip(chip).sram();
        for (int p : staging) {
            avoiding = avoiding.raise(p, avoiding.ceiling());
        }
        int last = vectors - (vectors - 1) / piece * piece;
        sizes = new int[] {piece, last};
        kernels[0] = col.sums().besideLanes(chip, avoiding, inputs, piece, type);
        kernels[1] = last == piece ? kernels[0] : col.sums().besideLanes(chip, avoiding, inputs, last, type);
    }

    /** The sum for a whole piece or the last. */
    CompiledKernel of(boolean last) {
        return kernels[last ? 1 : 0];
    }

    /** Keeps these kernels for later collectives on the chip and takes their words there. */
    void keep(Collectives col, SystemBuild build) {
        for (int i = 0; i < 2; i++) {
            col.sums().keepBesideLanes(chip, inputs, sizes[i], type, kernels[i]);
            build.chip(chip).takeOutside(kernels[i].sram(), staging);
        }
    }
}
