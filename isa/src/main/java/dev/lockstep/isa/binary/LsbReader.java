// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.binary;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.EncodingException;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.Queue;
import dev.lockstep.isa.io.InputException;
import dev.lockstep.isa.io.SourceFiles;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.Constant;
import dev.lockstep.isa.program.DataBlock;
import dev.lockstep.isa.program.LaneMap;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.program.ProgramRules;
import dev.lockstep.isa.program.QueueProgram;
import dev.lockstep.isa.program.Region;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Decodes the {@link LsbFormat}, checking everything: magic, version, checksum, every length against the bytes
 * that remain, every instruction word against the ISA table and every program rule against the chip. Any
 * defect is an {@link InputException} at the byte offset where it was found (line 1, column = offset + 1);
 * no other exception escapes, whatever the bytes.
 */
public final class LsbReader {
    private final String file;
    private final byte[] bytes;
    private final ChipSpec chip;
    private final int end;
    private int pos;
    private final Set<String> names = new HashSet<>();

    private LsbReader(String file, byte[] bytes, ChipSpec chip) {
        this.file = file;
        this.bytes = bytes;
        this.chip = chip;
        this.end = bytes.length - 4;
    }

    public static Program read(Path file, ChipSpec chip) {
        return decode(file.toString(), SourceFiles.readBytes(file), chip);
    }

    public static Program decode(String file, byte[] bytes, ChipSpec chip) {
        return new LsbReader(file, bytes, chip).program();
    }

    private InputException error(int offset, String message) {
        return new InputException(file, 1, offset + 1, message);
    }

    private Program program() {
        if (bytes.length == 0) {
            throw error(0, "the file is empty; expected a Lockstep binary program (.lsb)");
        }
        for (int i = 0; i < LsbFormat.MAGIC.length; i++) {
            if (i >= bytes.length || bytes[i] != LsbFormat.MAGIC[i]) {
                throw error(0, "not a Lockstep binary program: it does not start with the .lsb magic bytes "
                        + "89 4c 53 42 (for assembly text use 'lockstep asm')");
            }
        }
        if (bytes.length < 12) {
            throw error(bytes.length, "truncated .lsb file: " + bytes.length + " bytes is shorter than the header");
        }
        pos = 4;
        int version = u16();
        if (version != LsbFormat.VERSION) {
            throw error(4, ".lsb version " + version + " is not supported; this Lockstep reads version "
                    + LsbFormat.VERSION);
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, end);
        long stored = ByteBuffer.wrap(bytes, end, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFF_FFFFL;
        if (crc.getValue() != stored) {
            throw error(end, String.format("truncated or corrupted .lsb file: checksum %08x does not match the "
                    + "contents (%08x)", stored, crc.getValue()));
        }
        int flagsAt = pos;
        if (u16() != 0) {
            throw error(flagsAt, "unknown flags in the .lsb header");
        }
        int nameAt = pos;
        String chipName = string();
        if (!chipName.equals(chip.name())) {
            throw error(nameAt, "the program was assembled for chip '" + chipName + "', not " + chip.name()
                    + "; pass that chip's description with --chip");
        }
        int vbAt = pos;
        long vectorBytes = varint31("the vector length");
        if (vectorBytes != chip.vectorBytes()) {
            throw error(vbAt, "the program was written for " + chipName + " with " + vectorBytes + "-byte vectors; "
                    + chip.name() + " has " + chip.vectorBytes() + " (pass the right --chip)");
        }
        List<Constant> constants = new ArrayList<>();
        long n = count(1);
        for (long i = 0; i < n; i++) {
            String name = name();
            long z = varint();
            constants.add(new Constant(name, (z >>> 1) ^ -(z & 1)));
        }
        List<LaneMap> maps = new ArrayList<>();
        n = count(2);
        for (long i = 0; i < n; i++) {
            int at = pos;
            String name = name();
            int[] lanes = new int[(int) count(1)];
            for (int l = 0; l < lanes.length; l++) {
                lanes[l] = varint31("a lane");
            }
            LaneMap m = new LaneMap(name, lanes);
            check(at, ProgramRules.checkMap(chip, m, maps));
            maps.add(m);
        }
        List<ChipProgram> chips = new ArrayList<>();
        n = count(3);
        long previousChip = -1;
        long instructions = 0;
        for (long i = 0; i < n; i++) {
            int at = pos;
            long id = varint();
            if (id <= previousChip || id > ProgramRules.MAX_CHIP_ID) {
                throw error(at, "chip id " + id + " is out of order or out of range 0.." + ProgramRules.MAX_CHIP_ID);
            }
            previousChip = id;
            ChipProgram cp = chip((int) id, maps.size());
            instructions += cp.instructionCount();
            chips.add(cp);
        }
        if (pos != end) {
            throw error(pos, (end - pos) + " unexpected bytes after the last chip");
        }
        if (instructions == 0) {
            throw error(pos, "the program has no instructions");
        }
        return new Program(chipName, (int) vectorBytes, constants, maps, chips);
    }

    private ChipProgram chip(int id, int mapCount) {
        List<Region> regions = new ArrayList<>();
        long n = count(4);
        for (long i = 0; i < n; i++) {
            int at = pos;
            String name = name();
            List<Integer> slices = new ArrayList<>();
            long ns = count(1);
            for (long s = 0; s < ns; s++) {
                slices.add(varint31("a slice position"));
            }
            int address = varint31("an address");
            int typeAt = pos;
            DataType dtype = DataType.fromCode(u8()).orElseThrow(() -> error(typeAt, "unknown element type code"));
            int elements = varint31("an element count");
            int roAt = pos;
            int ro = u8();
            if (ro > 1) {
                throw error(roAt, "readonly flag must be 0 or 1");
            }
            Region r = new Region(name, slices, address, dtype, elements, ro == 1);
            check(at, ProgramRules.checkRegion(chip, r, regions));
            regions.add(r);
        }
        List<DataBlock> data = new ArrayList<>();
        n = count(3);
        int vb = chip.vectorBytes();
        for (long i = 0; i < n; i++) {
            int at = pos;
            int slice = varint31("a slice position");
            int address = varint31("an address");
            long words = varint();
            if (words < 1 || words > (end - pos) / vb) {
                throw error(at, "a data block of " + words + " words does not fit in the bytes that remain");
            }
            byte[] block = new byte[(int) words * vb];
            System.arraycopy(bytes, pos, block, 0, block.length);
            pos += block.length;
            DataBlock d = new DataBlock(slice, address, block);
            check(at, ProgramRules.checkData(chip, d, data));
            if (!data.isEmpty()) {
                DataBlock last = data.get(data.size() - 1);
                if (last.slice() > slice || (last.slice() == slice && last.address() > address)) {
                    throw error(at, "data blocks are out of order (they are sorted by slice, then address)");
                }
            }
            data.add(d);
        }
        List<QueueProgram> queues = new ArrayList<>();
        n = count(10);
        long previousQueue = -1;
        for (long i = 0; i < n; i++) {
            int at = pos;
            long qid = varint();
            if (qid <= previousQueue || qid >= chip.floorplan().queues().size()) {
                throw error(at, "queue " + qid + " is out of order or does not exist on " + chip.name() + " (0.."
                        + (chip.floorplan().queues().size() - 1) + ")");
            }
            previousQueue = qid;
            queues.add(queue(chip.floorplan().queues().get((int) qid), mapCount));
        }
        return new ChipProgram(id, queues, data, regions);
    }

    private QueueProgram queue(Queue queue, int mapCount) {
        int countAt = pos;
        long count = count(9);
        if (count == 0) {
            throw error(countAt, "queue " + queue.name() + " is listed with no instructions");
        }
        long[] cycles = new long[(int) count];
        long[] words = new long[(int) count];
        Instruction previous = null;
        long cycle = 0;
        for (int i = 0; i < count; i++) {
            int at = pos;
            long delta = varint();
            if (delta > ProgramRules.MAX_CYCLE || cycle + delta > ProgramRules.MAX_CYCLE) {
                throw error(at, "issue cycle out of range 0.." + ProgramRules.MAX_CYCLE);
            }
            cycle += delta;
            int wordAt = pos;
            Instruction ins;
            try {
                ins = Instruction.decode(u64());
            } catch (EncodingException e) {
                throw error(wordAt, e.getMessage());
            }
            String where = "queue " + queue.name() + ", instruction " + i + ": ";
            Optional<String> p = ProgramRules.checkIssue(chip, queue, ins, cycle, previous, i == 0 ? 0 : cycles[i - 1]);
            if (p.isPresent()) {
                throw error(at, where + p.get());
            }
            Optional<ProgramRules.OperandProblem> op = ProgramRules.checkOperands(chip, ins, mapCount);
            if (op.isPresent()) {
                throw error(wordAt, where + op.get().message());
            }
            cycles[i] = cycle;
            words[i] = ins.word();
            previous = ins;
        }
        return new QueueProgram(queue.id(), cycles, words);
    }

    private void check(int at, Optional<String> problem) {
        if (problem.isPresent()) {
            throw error(at, problem.get());
        }
    }

    /** A varint count of items each at least {@code minBytes} long, so that it cannot exceed what remains. */
    private long count(int minBytes) {
        int at = pos;
        long n = varint();
        if (n < 0 || n > (end - pos) / minBytes) {
            throw error(at, "a count of " + n + " items does not fit in the " + (end - pos) + " bytes that remain "
                    + "(truncated or corrupted .lsb file)");
        }
        return n;
    }

    private String name() {
        int at = pos;
        String s = string();
        check(at, ProgramRules.checkName(s));
        if (!names.add(s)) {
            throw error(at, "the name '" + s + "' is declared twice");
        }
        return s;
    }

    private String string() {
        int at = pos;
        long len = varint();
        if (len > 256 || len > end - pos) {
            throw error(at, "a string of " + len + " bytes is too long or runs past the end of the file");
        }
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, pos, (int) len)).toString();
            pos += (int) len;
            return s;
        } catch (CharacterCodingException e) {
            throw error(at, "a string is not valid UTF-8");
        }
    }

    private void need(int n) {
        if (end - pos < n) {
            throw error(pos, "truncated .lsb file: expected " + n + " more byte(s)");
        }
    }

    private int u8() {
        need(1);
        return bytes[pos++] & 0xFF;
    }

    private int u16() {
        need(2);
        int v = (bytes[pos] & 0xFF) | (bytes[pos + 1] & 0xFF) << 8;
        pos += 2;
        return v;
    }

    private long u64() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (bytes[pos + i] & 0xFFL) << (8 * i);
        }
        pos += 8;
        return v;
    }

    private long varint() {
        int at = pos;
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            need(1);
            int b = bytes[pos++] & 0xFF;
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if ((shift == 63 && b > 1) || (shift > 0 && b == 0)) {
                    break;
                }
                return v;
            }
        }
        throw error(at, "malformed varint (more than 64 bits, or not in its shortest form)");
    }

    /** A varint that must be a non-negative int. */
    private int varint31(String what) {
        int at = pos;
        long v = varint();
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw error(at, what + " " + Long.toUnsignedString(v) + " is out of range");
        }
        return (int) v;
    }
}
