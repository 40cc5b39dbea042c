// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.isa.asm.Assembler;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import dev.lockstep.isa.chip.MxmSpec;
import dev.lockstep.isa.chip.Queue;
import dev.lockstep.isa.chip.Slice;
import dev.lockstep.isa.chip.SliceKind;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which instances of its resource an instruction on a queue holds, on tsp-v1: MEM slices are numbered west to
 * east (mem.w43 is 0, mem.w0 43, mem.e0 44, mem.e43 87), VXM queues 0..15, SXM queues 0..27 (sxm.w0's, then
 * sxm.e0's), MXM planes 0..3 (mxm.w0's two, then mxm.e0's two; an fp16 piece takes a pair), links 0..15.
 */
class ResourceUsesTest {
    private static final ChipSpec TSP = ChipSpecs.tspV1();
    private static final Assembler ASM = new Assembler(TSP);
    private static final ResourceUses USES = new ResourceUses(TSP);

    static Stream<Arguments> uses() {
        return Stream.of(
                // queue, instruction, type of the MXM pieces (where the instruction does not name it), what it holds
                Arguments.of("mem.w43", "read e0, 0", null, Resource.MEM_READ, 0, 1, "the read path of mem.w43"),
                Arguments.of("mem.e0", "write 0, e0", null, Resource.MEM_WRITE, 44, 1, "the write path of mem.e0"),
                Arguments.of("mem.e43", "gather e1, 0, e2", null, Resource.MEM_READ, 87, 1,
                        "the read path of mem.e43"),
                Arguments.of("mem.w0", "scatter 0, e0, e2", null, Resource.MEM_WRITE, 43, 1,
                        "the write path of mem.w0"),
                Arguments.of("vxm.0", "vadd.i8 e0, e1, e2", null, Resource.VXM_ALU, 0, 1, "the ALU column of vxm.0"),
                Arguments.of("vxm.15", "vmov.f16 w0, e2", null, Resource.VXM_ALU, 15, 1, "the ALU column of vxm.15"),
                Arguments.of("sxm.w0.13", "shift.i8 e0, e1, 1", null, Resource.SXM_SWITCH, 13, 1,
                        "the switch unit of sxm.w0.13"),
                Arguments.of("sxm.e0.0", "transpose e0, w0", null, Resource.SXM_SWITCH, 14, 1,
                        "the switch unit of sxm.e0.0"),
                Arguments.of("mxm.w0.0", "lw.i8 1, w0, 4", null, Resource.MXM_WEIGHT_BUFFER, 1, 1,
                        "the weight buffer of mxm.w0 plane 1"),
                Arguments.of("mxm.e0.0", "lw.f16 0, w0, 4", null, Resource.MXM_WEIGHT_BUFFER, 2, 2,
                        "the weight buffer of mxm.e0 plane 0"),
                Arguments.of("mxm.w0.1", "iw 1", DataType.I8, Resource.MXM_ARRAY, 1, 1, "the array of mxm.w0 plane 1"),
                // fp16 work holds its whole group from the first plane, whichever plane it names
                Arguments.of("mxm.w0.1", "iw 1", DataType.F16, Resource.MXM_ARRAY, 0, 2, "the array of mxm.w0 plane 0"),
                Arguments.of("mxm.e0.2", "abc.f16 0, e2, 8", null, Resource.MXM_ARRAY, 2, 2,
                        "the array of mxm.e0 plane 0"),
                Arguments.of("mxm.e0.2", "abc.i8 1, e2, 8, 1", null, Resource.MXM_ARRAY, 3, 1,
                        "the array of mxm.e0 plane 1"),
                // ACC names the products' type: f32 products come from fp16 pieces, i32 from int8 ones
                Arguments.of("mxm.w0.2", "acc.f32 e0, 0, 4", null, Resource.MXM_ACCUMULATOR, 0, 2,
                        "the accumulators of mxm.w0 plane 0"),
                Arguments.of("mxm.w0.2", "acc.i32 e0, 1, 4", null, Resource.MXM_ACCUMULATOR, 1, 1,
                        "the accumulators of mxm.w0 plane 1"),
                Arguments.of("sxm.e0.0", "send 3, e0", null, Resource.C2C_TRANSMIT, 3, 1,
                        "the transmit side of link 3"),
                Arguments.of("sxm.w0.0", "recv e0, 15", null, Resource.C2C_RECEIVE, 15, 1,
                        "the receive side of link 15"),
                Arguments.of("vxm.0", "nop 1", null, Resource.NONE, 0, 0, "nothing"),
                Arguments.of("mem.w0", "sync 3", null, Resource.NONE, 0, 0, "nothing"));
    }

    @ParameterizedTest(name = "{1} on {0} holds {6}")
    @MethodSource("uses")
    void anInstructionOnAQueueHoldsTheseInstances(String queue, String text, DataType pieceType, Resource resource,
                                                  int instance, int width, String description) {
        Queue q = TSP.floorplan().queue(queue).orElseThrow();
        Instruction ins = assemble(queue, text);
        ResourceUse use = pieceType == null ? USES.of(q, ins) : USES.of(q, ins, pieceType);
        assertThat(use).isEqualTo(new ResourceUse(resource, instance, width));
        assertThat(use.end()).isEqualTo(instance + width);
        assertThat(USES.describe(use)).isEqualTo(description);
        assertThat(use.end()).isLessThanOrEqualTo(ResourceUses.instances(TSP, resource));
        if (pieceType == null && MxmSpec.pieceType(ins).isPresent()) {
            assertThat(USES.of(q, ins, MxmSpec.pieceType(ins).get())).as("the type it names, given").isEqualTo(use);
        }
        assertThat(pieceType == null ? USES.of(q, ins) : USES.of(q, ins, pieceType))
                .as("one object per use: a lookup allocates nothing").isSameAs(use);
    }

    @Test
    void eachResourceHasItsInstancesOnTspV1() {
        assertThat(ResourceUses.instances(TSP, Resource.NONE)).isZero();
        assertThat(ResourceUses.instances(TSP, Resource.MEM_READ)).isEqualTo(88);
        assertThat(ResourceUses.instances(TSP, Resource.MEM_WRITE)).isEqualTo(88);
        assertThat(ResourceUses.instances(TSP, Resource.VXM_ALU)).isEqualTo(16);
        assertThat(ResourceUses.instances(TSP, Resource.SXM_SWITCH)).isEqualTo(28);
        assertThat(ResourceUses.instances(TSP, Resource.MXM_WEIGHT_BUFFER)).isEqualTo(4);
        assertThat(ResourceUses.instances(TSP, Resource.MXM_ARRAY)).isEqualTo(4);
        assertThat(ResourceUses.instances(TSP, Resource.MXM_ACCUMULATOR)).isEqualTo(4);
        assertThat(ResourceUses.instances(TSP, Resource.C2C_TRANSMIT)).isEqualTo(16);
        assertThat(ResourceUses.instances(TSP, Resource.C2C_RECEIVE)).isEqualTo(16);
    }

    @Test
    void everyInstanceIsHeldFromExactlyOnePlace() {
        // the numbering is dense: the queues (and planes) that can hold a resource take its instances 0..n-1, once each
        assertThat(instancesTaken("read e0, 0", SliceKind.MEM, 1)).isEqualTo(range(88));
        assertThat(instancesTaken("vmov.i8 e0, e1", SliceKind.VXM, 1)).isEqualTo(range(16));
        assertThat(instancesTaken("shift.i8 e0, e1, 1", SliceKind.SXM, 1)).isEqualTo(range(28));
        assertThat(instancesTaken("lw.i8 %d, w0, 4", SliceKind.MXM, TSP.mxm().planesPerSlice())).isEqualTo(range(4));
    }

    @Test
    void aReadHoldsTheSameWhicheverStreamItNames() {
        // the vector scheduler relies on it: a slice whose read path or queue is taken is taken for every stream
        Queue q = TSP.floorplan().queue("mem.w7").orElseThrow();
        Instruction east = assemble("mem.w7", "read e0, 5, 3");
        for (String stream : List.of("e31", "w0", "w17")) {
            Instruction other = assemble("mem.w7", "read " + stream + ", 5, 3");
            assertThat(USES.of(q, other)).isEqualTo(USES.of(q, east));
            assertThat(Opcode.READ.occupancy().cycles(TSP, other)).isEqualTo(Opcode.READ.occupancy().cycles(TSP, east))
                    .isEqualTo(3);
            assertThat(Opcode.READ.dispatch().cycles(TSP, other)).isEqualTo(Opcode.READ.dispatch().cycles(TSP, east));
        }
    }

    @Test
    void whatAQueueAloneDecidesIsWhatEachOfItsInstructionsHolds() {
        // the simulator looks these up once per queue instead of per issue
        for (Queue q : TSP.floorplan().queues()) {
            for (Resource r : Resource.values()) {
                boolean byQueue = switch (r) {
                    case NONE -> true;
                    case MEM_READ, MEM_WRITE -> q.slice().kind() == SliceKind.MEM;
                    case VXM_ALU -> q.slice().kind() == SliceKind.VXM;
                    case SXM_SWITCH -> q.slice().kind() == SliceKind.SXM;
                    case MXM_WEIGHT_BUFFER, MXM_ARRAY, MXM_ACCUMULATOR, C2C_TRANSMIT, C2C_RECEIVE -> false;
                };
                assertThat(USES.ofQueue(q, r)).as("%s on %s", r, q.name()).isEqualTo(byQueue
                        ? java.util.Optional.of(byQueueText(q, r)) : java.util.Optional.empty());
            }
        }
    }

    /** What the queue's instructions of a resource the queue decides hold, asked instruction by instruction. */
    private static ResourceUse byQueueText(Queue q, Resource r) {
        String text = switch (r) {
            case NONE -> "nop 1";
            case MEM_READ -> "read e0, 0";
            case MEM_WRITE -> "write 0, e0";
            case VXM_ALU -> "vadd.i8 e0, e1, e2";
            case SXM_SWITCH -> "shift.i8 e0, e1, 1";
            case MXM_WEIGHT_BUFFER, MXM_ARRAY, MXM_ACCUMULATOR, C2C_TRANSMIT, C2C_RECEIVE ->
                    throw new IllegalArgumentException(r.name());
        };
        ResourceUse use = USES.of(q, assemble(q.name(), text));
        assertThat(use.resource()).isEqualTo(r);
        return use;
    }

    @Test
    void iwNeedsTheTypeOfTheWeightsItInstalls() {
        Queue q = TSP.floorplan().queue("mxm.w0.1").orElseThrow();
        assertThatThrownBy(() -> USES.of(q, assemble("mxm.w0.1", "iw 0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("type of the weights");
    }

    @Test
    void aTypeOtherThanTheOneTheInstructionNamesIsRefused() {
        Queue q = TSP.floorplan().queue("mxm.w0.0").orElseThrow();
        assertThatThrownBy(() -> USES.of(q, assemble("mxm.w0.0", "lw.f16 0, w0, 4"), DataType.I8))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("lw works on f16 pieces, not i8");
        assertThatThrownBy(() -> USES.of(q, assemble("mxm.w0.2", "acc.i32 e0, 0, 4"), DataType.F16))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("acc works on i8 pieces, not f16");
    }

    @Test
    void aQueueWhoseSliceLacksTheResourceIsRefused() {
        Queue vxm = TSP.floorplan().queue("vxm.0").orElseThrow();
        assertThatThrownBy(() -> USES.of(vxm, assemble("mem.w0", "read e0, 0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("read holds a resource of a mem slice, not of vxm");
    }

    @Test
    void aPlaneOutsideTheSliceIsRefused() {
        // plane 2 of mxm.w0 would be plane 0 of mxm.e0 in the numbering; the operand's field allows up to 15
        Queue q = TSP.floorplan().queue("mxm.w0.0").orElseThrow();
        Instruction lw = Instruction.of(Opcode.LW, DataType.I8.code(), 2, Streams.west(0), 4);
        assertThatThrownBy(() -> USES.of(q, lw)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lw names plane 2; there are 2");
    }

    @Test
    void aUseIsEitherNothingOrAtLeastOneInstance() {
        assertThat(ResourceUse.NOTHING).isEqualTo(new ResourceUse(Resource.NONE, 0, 0));
        assertThatThrownBy(() -> new ResourceUse(Resource.NONE, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ResourceUse(Resource.MEM_READ, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ResourceUse(Resource.MEM_READ, -1, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** The instances that {@code text} (with %d for the plane, if planes) takes on every queue of a kind's slices. */
    private static List<Integer> instancesTaken(String text, SliceKind kind, int planes) {
        List<Integer> out = new ArrayList<>();
        for (Slice slice : TSP.floorplan().slicesOf(kind)) {
            List<Queue> queues = TSP.floorplan().queues().stream().filter(q -> q.slice().equals(slice)).toList();
            for (Queue q : kind == SliceKind.MXM ? queues.subList(0, 1) : queues) {
                for (int plane = 0; plane < planes; plane++) {
                    out.add(USES.of(q, assemble(q.name(), text.formatted(plane))).instance());
                }
            }
        }
        return out;
    }

    private static List<Integer> range(int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }

    private static Instruction assemble(String queue, String text) {
        return ASM.assemble("t.lsa", ".queue " + queue + "\n@0 " + text + "\n", null).chips().get(0).queues().get(0)
                .instruction(0);
    }
}
