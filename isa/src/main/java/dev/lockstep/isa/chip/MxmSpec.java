// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.chip;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Instruction;
import java.util.Optional;

/**
 * The matrix execution modules, and the one statement of how their planes work on pieces: an int8 piece
 * ([1 x int8K] x [int8K x cols]) takes one plane; an fp16 piece ([1 x fp16K] x [fp16K x cols]) takes a group of
 * {@code fp16PlanesPerPiece} consecutive planes, named by its first plane. The compiler tiles and counts units by
 * these methods and the simulator (through {@link dev.lockstep.isa.ResourceUses}) holds planes by them.
 *
 * @param planesPerSlice multiply-accumulate planes per MXM slice
 * @param rows           rows of a plane's array (the K dimension for int8)
 * @param cols           columns of a plane's array (the N dimension of one piece)
 * @param int8K          K of one int8 piece, [1 x K] x [K x cols]
 * @param fp16K          K of one fp16 piece, [1 x K] x [K x cols]
 * @param fp16PlanesPerPiece planes that work together on one fp16 piece: 2 in tsp-v1, where the 4 int8 planes
 *                       give 4 int8 pieces but 2 fp16 pieces per cycle (published); an fp16 instruction names the
 *                       first plane of its group and holds every plane of the group
 * @param queuesPerSlice instruction queues per MXM slice
 * @param weightStreams  streams an LW samples in each cycle (one-byte streams of the direction flowing toward the
 *                       MXM): a weight row of a w-byte type takes w of them, so LW loads weightStreams / w rows per
 *                       cycle (16 in tsp-v1: the published install rate, see docs/model.md, "Weights into the MXM")
 */
public record MxmSpec(int planesPerSlice, int rows, int cols, int int8K, int fp16K, int fp16PlanesPerPiece,
                      int queuesPerSlice, int weightStreams) {

    /** Weight rows of {@code pieceType} one LW loads per cycle: the weight streams over the type's bytes. */
    public int weightRowsPerCycle(DataType pieceType) {
        return weightStreams / pieceType.bytes();
    }

    /** Cycles an LW of {@code rows} rows of {@code pieceType} takes: the rows over the rows per cycle, rounded up. */
    public int weightLoadCycles(DataType pieceType, int rows) {
        int perCycle = weightRowsPerCycle(pieceType);
        return (rows + perCycle - 1) / perCycle;
    }

    /** Planes that one piece of {@code pieceType} (I8 or F16) takes: the fp16 group, or one plane for int8. */
    public int planesPerPiece(DataType pieceType) {
        return switch (pieceType) {
            case F16 -> fp16PlanesPerPiece;
            case I8 -> 1;
            case I16, I32, F32 -> throw notAPieceType(pieceType);
        };
    }

    /** K of one piece of {@code pieceType} (I8 or F16): the weight rows a plane (group) holds. */
    public int pieceK(DataType pieceType) {
        return switch (pieceType) {
            case F16 -> fp16K;
            case I8 -> int8K;
            case I16, I32, F32 -> throw notAPieceType(pieceType);
        };
    }

    /** Pieces of {@code pieceType} one MXM slice works on side by side: its planes over the planes per piece. */
    public int piecesPerSlice(DataType pieceType) {
        return planesPerSlice / planesPerPiece(pieceType);
    }

    /** The first plane of the group a piece of {@code pieceType} takes when it names {@code plane}. */
    public int firstPlaneOfGroup(int plane, DataType pieceType) {
        return plane - plane % planesPerPiece(pieceType);
    }

    /** What the products of a piece of {@code pieceType} are: f32 for fp16, i32 for int8. */
    public static DataType productType(DataType pieceType) {
        return switch (pieceType) {
            case F16 -> DataType.F32;
            case I8 -> DataType.I32;
            case I16, I32, F32 -> throw notAPieceType(pieceType);
        };
    }

    /**
     * The type of the pieces an MXM instruction works on, where the instruction names it: LW and ABC name the
     * weights' and activations' type, ACC the products' type (f32 from fp16 pieces, i32 from int8 ones). IW names
     * none (it installs whatever its plane's buffer holds), and other units work on no piece: empty.
     */
    public static Optional<DataType> pieceType(Instruction ins) {
        return switch (ins.opcode()) {
            case LW, ABC -> ins.dtype();
            case ACC -> ins.dtype().map(t -> t == productType(DataType.F16) ? DataType.F16 : DataType.I8);
            default -> Optional.empty();
        };
    }

    private static IllegalArgumentException notAPieceType(DataType type) {
        return new IllegalArgumentException("MXM pieces are int8 or fp16, not " + type.text());
    }
}
