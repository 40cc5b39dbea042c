// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.graph.LayerStep.Product;
import dev.lockstep.compiler.graph.TensorId;

/**
 * One chip's part of a stage's step: which chip, its index in the stage (layer or head), and inside a per-expert or
 * per-KV-head block, which expert's columns or which KV head.
 *
 * @param chip       the chip
 * @param index      its index in the stage (0 is the stage's first chip)
 * @param stageChips the stage's chips
 * @param piece      the expert's columns it works on, inside a per-expert block (else null)
 * @param kvHead     the chip's KV head, inside a per-KV-head block (else 0)
 */
record Shard(int chip, int index, int stageChips, ExpertColumns piece, int kvHead) {

    /** A product's shape on one chip: K x N. */
    record Shape(int rows, int cols) {
    }

    Shard withPiece(ExpertColumns p) {
        return new Shard(chip, index, stageChips, p, kvHead);
    }

    Shard withKvHead(int k) {
        return new Shard(chip, index, stageChips, piece, k);
    }

    /** The tensor a product reads on this chip (the expert's, inside a per-expert block). */
    TensorId tensor(Product p) {
        return new TensorId(p.weight(), piece == null ? 0 : piece.expert());
    }

    /** This chip's share of product {@code p}'s matrix, with attention split over {@code a} chips. */
    Shape shape(Product p, ModelConfig m, int a) {
        return switch (p.split()) {
            case WHOLE -> new Shape((int) p.rows(), (int) p.cols());
            case HEAD_COLUMNS -> new Shape((int) p.rows(), (int) (p.cols() / a));
            case HEAD_ROWS -> new Shape((int) (p.rows() / a), (int) p.cols());
            case EXPERT_COLUMNS -> new Shape((int) p.rows(), (int) (p.cols() / m.intermediate() * piece.columns()));
            case EXPERT_ROWS -> new Shape(piece.columns(), (int) p.cols());
            case VOCAB_COLUMNS -> new Shape((int) p.rows(), vocabColumns((int) p.cols()));
        };
    }

    /** This chip's columns of {@code n} split evenly over the stage's chips (0 for a chip past the last). */
    int vocabColumns(int n) {
        int per = (n + stageChips - 1) / stageChips;
        return Math.max(0, Math.min(per, n - index * per));
    }
}
