// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa;

import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.Floorplan;
import dev.lockstep.isa.chip.MxmSpec;
import dev.lockstep.isa.chip.Queue;
import dev.lockstep.isa.chip.Slice;
import dev.lockstep.isa.chip.SliceKind;
import java.util.Objects;
import java.util.Optional;

/**
 * The one statement of which instances of its {@link Resource} an instruction on a queue holds, derived from the
 * ISA table ({@link Opcode#resource()}) and the chip description; the compiler's reservation table and the
 * simulator's occupancy checks both ask it. The instances of a resource on one chip are numbered from 0
 * ({@link #instances}):
 * <ul>
 *   <li>{@link Resource#MEM_READ}, {@link Resource#MEM_WRITE}: one per MEM slice, by its index among the MEM
 *   slices west to east: the issuing queue's slice;</li>
 *   <li>{@link Resource#VXM_ALU}, {@link Resource#SXM_SWITCH}: one per VXM (SXM) queue, by its index among those
 *   queues (slice index x queues per slice + index in the slice): the issuing queue's own ALU column or switch
 *   unit;</li>
 *   <li>{@link Resource#MXM_WEIGHT_BUFFER}, {@link Resource#MXM_ARRAY}, {@link Resource#MXM_ACCUMULATOR}: one per
 *   plane, MXM slice index x planes per slice + plane: the issuing slice's plane that the {@code plane} operand
 *   names; an fp16 piece holds its whole plane group from the group's first plane ({@link MxmSpec});</li>
 *   <li>{@link Resource#C2C_TRANSMIT}, {@link Resource#C2C_RECEIVE}: one per link, the {@code link} operand;</li>
 *   <li>{@link Resource#NONE}: none ({@link ResourceUse#NOTHING}).</li>
 * </ul>
 * One object per chip makes every use its instructions can make up front, so that a lookup allocates nothing (the
 * simulator asks at every issue, the scheduler at every cycle it tries).
 */
public final class ResourceUses {
    private final ChipSpec chip;
    /** Per resource (by ordinal) and instance: the use of that one instance. */
    private final ResourceUse[][] single = new ResourceUse[Resource.values().length][];
    /** Per MXM resource (by ordinal) and first plane of an fp16 group: the use of the group (else null). */
    private final ResourceUse[][] fp16Groups = new ResourceUse[Resource.values().length][];

    public ResourceUses(ChipSpec chip) {
        this.chip = chip;
        int group = chip.mxm().planesPerPiece(DataType.F16);
        for (Resource r : Resource.values()) {
            int n = instances(chip, r);
            single[r.ordinal()] = new ResourceUse[n];
            fp16Groups[r.ordinal()] = new ResourceUse[n];
            for (int i = 0; i < n; i++) {
                single[r.ordinal()][i] = new ResourceUse(r, i, 1);
                if (isMxm(r) && i % group == 0) {
                    fp16Groups[r.ordinal()][i] = new ResourceUse(r, i, group);
                }
            }
        }
    }

    /** How many instances of {@code resource} one chip has. */
    public static int instances(ChipSpec chip, Resource resource) {
        Floorplan floorplan = chip.floorplan();
        return switch (resource) {
            case NONE -> 0;
            case MEM_READ, MEM_WRITE -> floorplan.slicesOf(SliceKind.MEM).size();
            case VXM_ALU -> floorplan.slicesOf(SliceKind.VXM).size() * chip.vxm().queuesPerSlice();
            case SXM_SWITCH -> floorplan.slicesOf(SliceKind.SXM).size() * chip.sxm().queuesPerSlice();
            case MXM_WEIGHT_BUFFER, MXM_ARRAY, MXM_ACCUMULATOR ->
                    floorplan.slicesOf(SliceKind.MXM).size() * chip.mxm().planesPerSlice();
            case C2C_TRANSMIT, C2C_RECEIVE -> chip.links().count();
        };
    }

    /**
     * What {@code queue} holds issuing {@code ins}, when the instruction says everything: any instruction but IW,
     * whose planes depend on the type of the weights it installs (give that with
     * {@link #of(Queue, Instruction, DataType)}).
     *
     * @throws IllegalArgumentException for IW, or when the queue's slice does not hold the instruction's resource
     */
    public ResourceUse of(Queue queue, Instruction ins) {
        if (ins.opcode() == Opcode.IW) {
            throw new IllegalArgumentException("iw names no type: give the type of the weights it installs");
        }
        return use(queue, ins, MxmSpec.pieceType(ins).orElse(null));
    }

    /**
     * What {@code queue} holds issuing {@code ins}, for an MXM instruction working on pieces of {@code pieceType}
     * (I8 or F16: the instruction's own type where it names one, see {@link MxmSpec#pieceType}); any other
     * instruction holds the same whatever the type.
     *
     * @throws IllegalArgumentException when {@code pieceType} is not the one the instruction names, or the queue's
     *                                  slice does not hold the instruction's resource
     */
    public ResourceUse of(Queue queue, Instruction ins, DataType pieceType) {
        Objects.requireNonNull(pieceType, "pieceType");
        Optional<DataType> named = MxmSpec.pieceType(ins);
        if (named.isPresent() && named.get() != pieceType) {
            throw new IllegalArgumentException(ins.opcode().mnemonic() + " works on " + named.get().text()
                    + " pieces, not " + pieceType.text());
        }
        return use(queue, ins, pieceType);
    }

    private ResourceUse use(Queue queue, Instruction ins, DataType pieceType) {
        Resource resource = ins.opcode().resource();
        ResourceUse[] ones = single[resource.ordinal()];
        Slice slice = queue.slice();
        return switch (resource) {
            case NONE, MEM_READ, MEM_WRITE, VXM_ALU, SXM_SWITCH -> byQueue(queue, resource, ins.opcode().mnemonic());
            case MXM_WEIGHT_BUFFER, MXM_ARRAY, MXM_ACCUMULATOR -> {
                MxmSpec mxm = chip.mxm();
                int plane = (int) within(ins, "plane", mxm.planesPerSlice());
                int first = indexOf(slice, SliceKind.MXM, ins.opcode().mnemonic()) * mxm.planesPerSlice()
                        + mxm.firstPlaneOfGroup(plane, pieceType);
                yield mxm.planesPerPiece(pieceType) == 1 ? ones[first] : fp16Groups[resource.ordinal()][first];
            }
            case C2C_TRANSMIT, C2C_RECEIVE -> ones[(int) within(ins, "link", chip.links().count())];
        };
    }

    /**
     * What {@code queue} holds issuing any instruction of {@code resource}, where the queue alone decides it
     * ({@link Resource#NONE} and the MEM, VXM and SXM resources), so that a caller may look it up once per queue;
     * empty for the MXM and C2C resources, whose instance an operand names, and where the queue's slice does not
     * hold the resource ({@link #of} says why).
     */
    public Optional<ResourceUse> ofQueue(Queue queue, Resource resource) {
        SliceKind holder = switch (resource) {
            case NONE -> queue.slice().kind();
            case MEM_READ, MEM_WRITE -> SliceKind.MEM;
            case VXM_ALU -> SliceKind.VXM;
            case SXM_SWITCH -> SliceKind.SXM;
            case MXM_WEIGHT_BUFFER, MXM_ARRAY, MXM_ACCUMULATOR, C2C_TRANSMIT, C2C_RECEIVE -> null;
        };
        return holder == queue.slice().kind() ? Optional.of(byQueue(queue, resource, resource.name()))
                : Optional.empty();
    }

    /** The use of a resource the queue alone decides; {@code what} names the instruction in a message. */
    private ResourceUse byQueue(Queue queue, Resource resource, String what) {
        ResourceUse[] ones = single[resource.ordinal()];
        Slice slice = queue.slice();
        return switch (resource) {
            case MEM_READ, MEM_WRITE -> ones[indexOf(slice, SliceKind.MEM, what)];
            case VXM_ALU -> ones[indexOf(slice, SliceKind.VXM, what) * chip.vxm().queuesPerSlice()
                    + queue.indexInSlice()];
            case SXM_SWITCH -> ones[indexOf(slice, SliceKind.SXM, what) * chip.sxm().queuesPerSlice()
                    + queue.indexInSlice()];
            case NONE, MXM_WEIGHT_BUFFER, MXM_ARRAY, MXM_ACCUMULATOR, C2C_TRANSMIT, C2C_RECEIVE -> ResourceUse.NOTHING;
        };
    }

    private static int indexOf(Slice slice, SliceKind kind, String what) {
        if (slice.kind() != kind) {
            throw new IllegalArgumentException(what + " holds a resource of a " + kind.text()
                    + " slice, not of " + slice.name());
        }
        return slice.kindIndex();
    }

    /** The value of an operand that numbers one of {@code count} things. */
    private static long within(Instruction ins, String operand, int count) {
        long value = ins.operand(operand);
        if (value >= count) {
            throw new IllegalArgumentException(ins.opcode().mnemonic() + " names " + operand + " " + value
                    + "; there are " + count);
        }
        return value;
    }

    private static boolean isMxm(Resource r) {
        return switch (r) {
            case MXM_WEIGHT_BUFFER, MXM_ARRAY, MXM_ACCUMULATOR -> true;
            case NONE, MEM_READ, MEM_WRITE, VXM_ALU, SXM_SWITCH, C2C_TRANSMIT, C2C_RECEIVE -> false;
        };
    }

    /**
     * The first instance a use holds, in words ("the read path of mem.w3", "the weight buffer of mxm.w0 plane 1"),
     * for hazard messages and timelines.
     */
    public String describe(ResourceUse use) {
        Floorplan floorplan = chip.floorplan();
        int i = use.instance();
        return switch (use.resource()) {
            case NONE -> "nothing";
            case MEM_READ -> "the read path of " + floorplan.slicesOf(SliceKind.MEM).get(i).name();
            case MEM_WRITE -> "the write path of " + floorplan.slicesOf(SliceKind.MEM).get(i).name();
            case VXM_ALU -> "the ALU column of " + queue(SliceKind.VXM, chip.vxm().queuesPerSlice(), i).name();
            case SXM_SWITCH -> "the switch unit of " + queue(SliceKind.SXM, chip.sxm().queuesPerSlice(), i).name();
            case MXM_WEIGHT_BUFFER -> "the weight buffer of " + plane(i);
            case MXM_ARRAY -> "the array of " + plane(i);
            case MXM_ACCUMULATOR -> "the accumulators of " + plane(i);
            case C2C_TRANSMIT -> "the transmit side of link " + i;
            case C2C_RECEIVE -> "the receive side of link " + i;
        };
    }

    private Queue queue(SliceKind kind, int queuesPerSlice, int instance) {
        Floorplan floorplan = chip.floorplan();
        return floorplan.queue(floorplan.slicesOf(kind).get(instance / queuesPerSlice), instance % queuesPerSlice);
    }

    private String plane(int instance) {
        int planes = chip.mxm().planesPerSlice();
        return chip.floorplan().slicesOf(SliceKind.MXM).get(instance / planes).name() + " plane " + instance % planes;
    }
}
