// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.chip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.Streams;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How MXM planes work on pieces ({@link MxmSpec}), on tsp-v1 (2 planes per slice, fp16 pieces on pairs): an int8
 * piece takes one plane and K = 320 weight rows, an fp16 piece a pair of planes named by the first and K = 160.
 */
class MxmPiecesTest {
    private static final MxmSpec MXM = ChipSpecs.tspV1().mxm();

    static Stream<Arguments> pieces() {
        return Stream.of(
                // piece type, planes per piece, K, pieces per slice, product type
                Arguments.of(DataType.I8, 1, 320, 2, DataType.I32),
                Arguments.of(DataType.F16, 2, 160, 1, DataType.F32));
    }

    @ParameterizedTest(name = "an {0} piece takes {1} plane(s) and K = {2}, {3} per slice, giving {4}")
    @MethodSource("pieces")
    void aPieceOfThisTypeTakes(DataType type, int planes, int k, int perSlice, DataType products) {
        assertThat(MXM.planesPerPiece(type)).isEqualTo(planes);
        assertThat(MXM.pieceK(type)).isEqualTo(k);
        assertThat(MXM.piecesPerSlice(type)).isEqualTo(perSlice);
        assertThat(MxmSpec.productType(type)).isEqualTo(products);
    }

    static Stream<Arguments> groups() {
        return Stream.of(
                // named plane, piece type, first plane of the group it takes
                Arguments.of(0, DataType.I8, 0),
                Arguments.of(1, DataType.I8, 1),
                Arguments.of(0, DataType.F16, 0),
                Arguments.of(1, DataType.F16, 0));
    }

    @ParameterizedTest(name = "{1} work naming plane {0} takes the group from plane {2}")
    @MethodSource("groups")
    void workNamingAPlaneTakesTheGroupFromItsFirstPlane(int plane, DataType type, int first) {
        assertThat(MXM.firstPlaneOfGroup(plane, type)).isEqualTo(first);
    }

    static Stream<Arguments> namedTypes() {
        long w0 = Streams.west(0);
        return Stream.of(
                // instruction, the type of the pieces it names
                Arguments.of(Instruction.of(Opcode.LW, DataType.F16.code(), 0, w0, 4), Optional.of(DataType.F16)),
                Arguments.of(Instruction.of(Opcode.LW, DataType.I8.code(), 1, w0, 4), Optional.of(DataType.I8)),
                Arguments.of(Instruction.of(Opcode.ABC, DataType.F16.code(), 0, w0, 4, 0), Optional.of(DataType.F16)),
                Arguments.of(Instruction.of(Opcode.ACC, DataType.F32.code(), w0, 0, 4), Optional.of(DataType.F16)),
                Arguments.of(Instruction.of(Opcode.ACC, DataType.I32.code(), w0, 1, 4), Optional.of(DataType.I8)),
                // IW installs whatever its buffer holds; other units work on no piece
                Arguments.of(Instruction.of(Opcode.IW, 0), Optional.empty()),
                Arguments.of(Instruction.of(Opcode.READ, w0, 0, 1, 1), Optional.empty()));
    }

    @ParameterizedTest(name = "{0} works on {1}")
    @MethodSource("namedTypes")
    void anMxmInstructionNamesItsPieceType(Instruction ins, Optional<DataType> type) {
        assertThat(MxmSpec.pieceType(ins)).isEqualTo(type);
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"I16", "I32", "F32"})
    void onlyInt8AndFp16ArePieceTypes(DataType type) {
        assertThatThrownBy(() -> MXM.planesPerPiece(type)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("MXM pieces are int8 or fp16, not " + type.text());
        assertThatThrownBy(() -> MXM.pieceK(type)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MxmSpec.productType(type)).isInstanceOf(IllegalArgumentException.class);
    }
}
