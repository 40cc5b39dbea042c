// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.binary;

import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.Constant;
import dev.lockstep.isa.program.DataBlock;
import dev.lockstep.isa.program.LaneMap;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.program.QueueProgram;
import dev.lockstep.isa.program.Region;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** Encodes a {@link Program} in the {@link LsbFormat}. */
public final class LsbWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private LsbWriter() {
    }

    public static byte[] encode(Program program) {
        LsbWriter w = new LsbWriter();
        w.out.writeBytes(LsbFormat.MAGIC);
        w.u16(LsbFormat.VERSION);
        w.u16(0);
        w.string(program.chipName());
        w.varint(program.vectorBytes());
        w.varint(program.constants().size());
        for (Constant c : program.constants()) {
            w.string(c.name());
            w.varint((c.value() << 1) ^ (c.value() >> 63));
        }
        w.varint(program.maps().size());
        for (LaneMap m : program.maps()) {
            w.string(m.name());
            w.varint(m.size());
            for (int l = 0; l < m.size(); l++) {
                w.varint(m.lane(l));
            }
        }
        w.varint(program.chips().size());
        for (ChipProgram cp : program.chips()) {
            w.varint(cp.chipId());
            w.varint(cp.regions().size());
            for (Region r : cp.regions()) {
                w.string(r.name());
                w.varint(r.slices().size());
                r.slices().forEach(w::varint);
                w.varint(r.address());
                w.out.write(r.dtype().code());
                w.varint(r.elements());
                w.out.write(r.readOnly() ? 1 : 0);
            }
            w.varint(cp.data().size());
            for (DataBlock d : cp.data()) {
                w.varint(d.slice());
                w.varint(d.address());
                w.varint(d.words(program.vectorBytes()));
                w.out.writeBytes(d.bytes());
            }
            w.varint(cp.queues().size());
            for (QueueProgram q : cp.queues()) {
                w.varint(q.queueId());
                w.varint(q.size());
                long previous = 0;
                for (int i = 0; i < q.size(); i++) {
                    w.varint(q.cycle(i) - previous);
                    previous = q.cycle(i);
                    w.u64(q.word(i));
                }
            }
        }
        CRC32 crc = new CRC32();
        byte[] body = w.out.toByteArray();
        crc.update(body);
        w.u32(crc.getValue());
        return w.out.toByteArray();
    }

    private void u16(int v) {
        out.write(v);
        out.write(v >>> 8);
    }

    private void u32(long v) {
        for (int i = 0; i < 4; i++) {
            out.write((int) (v >>> (8 * i)));
        }
    }

    private void u64(long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)));
        }
    }

    private void varint(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private void string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        varint(b.length);
        out.writeBytes(b);
    }
}
