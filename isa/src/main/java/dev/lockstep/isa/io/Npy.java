// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.io;

import dev.lockstep.isa.DataType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files (format versions 1 to 3), the types Lockstep stores: int8 ({@code |i1}, and
 * {@code |u1} read as raw bytes), int16, int32, float16, float32, little-endian, C order.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /**
     * An array read from a file.
     *
     * @param dtype element type
     * @param shape dimensions
     * @param data  elements, little-endian, C order
     */
    public record Array(DataType dtype, long[] shape, byte[] data) {
        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        /** Element i's bits (sign-extended for integers, raw for floats). */
        public long bits(int i) {
            ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            return switch (dtype) {
                case I8 -> data[i];
                case I16 -> b.getShort(2 * i);
                case F16 -> b.getShort(2 * i) & 0xFFFFL;
                case I32 -> b.getInt(4 * i);
                case F32 -> b.getInt(4 * i) & 0xFFFF_FFFFL;
            };
        }
    }

    public static Array read(Path file) {
        return parse(file.toString(), SourceFiles.readBytes(file));
    }

    public static Array parse(String file, byte[] bytes) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes.length <= i || bytes[i] != MAGIC[i]) {
                throw new InputException(file, 1, 1, "not a .npy file (it does not start with \\x93NUMPY)");
            }
        }
        if (bytes.length < 10) {
            throw new InputException(file, 1, 7, "truncated .npy header");
        }
        int major = bytes[6];
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen;
        int start;
        if (major == 1) {
            headerLen = b.getShort(8) & 0xFFFF;
            start = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw new InputException(file, 1, 9, "truncated .npy header");
            }
            headerLen = b.getInt(8) & 0xFFFF_FFFFL;
            start = 12;
        } else {
            throw new InputException(file, 1, 7, ".npy format version " + major + " is not supported (1, 2 or 3)");
        }
        if (start + headerLen > bytes.length) {
            throw new InputException(file, 1, start + 1, "truncated .npy header");
        }
        String header = new String(bytes, start, (int) headerLen,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new InputException(file, 1, start + 1, "malformed .npy header: " + header.trim());
        }
        if (f.group(1).equals("True")) {
            throw new InputException(file, 1, start + 1, "Fortran-order arrays are not supported; save in C order");
        }
        DataType dtype = switch (d.group(1)) {
            case "|i1", "|u1", "i1", "u1" -> DataType.I8;
            case "<i2" -> DataType.I16;
            case "<i4" -> DataType.I32;
            case "<f2" -> DataType.F16;
            case "<f4" -> DataType.F32;
            default -> throw new InputException(file, 1, start + 1, "element type '" + d.group(1) + "' is not "
                    + "supported; use int8, int16, int32, float16 or float32, little-endian");
        };
        List<Long> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            if (!part.isBlank()) {
                try {
                    dims.add(Long.parseLong(part.trim()));
                } catch (NumberFormatException e) {
                    throw new InputException(file, 1, start + 1, "malformed .npy shape (" + s.group(1) + ")");
                }
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        long n = 1;
        for (long dim : shape) {
            if (dim < 0 || (dim > 0 && n > Integer.MAX_VALUE / dim)) {
                throw new InputException(file, 1, start + 1, "unsupported .npy shape (" + s.group(1) + ")");
            }
            n *= dim;
        }
        long dataStart = start + headerLen;
        long need = n * dtype.bytes();
        if (bytes.length - dataStart != need) {
            throw new InputException(file, 1, (int) dataStart + 1, "the .npy data holds " + (bytes.length - dataStart)
                    + " bytes but its header promises " + need);
        }
        byte[] data = new byte[(int) need];
        System.arraycopy(bytes, (int) dataStart, data, 0, data.length);
        return new Array(dtype, shape, data);
    }

    /** Writes a little-endian C-order array (format version 1). */
    public static void write(Path file, DataType dtype, long[] shape, byte[] data) throws IOException {
        String descr = switch (dtype) {
            case I8 -> "|i1";
            case I16 -> "<i2";
            case I32 -> "<i4";
            case F16 -> "<f2";
            case F32 -> "<f4";
        };
        StringBuilder dims = new StringBuilder();
        for (long dim : shape) {
            dims.append(dim).append(", ");
        }
        String shapeText = shape.length == 1 ? "(" + shape[0] + ",)"
                : "(" + (dims.length() > 0 ? dims.substring(0, dims.length() - 2) : "") + ")";
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeText + ", }";
        int total = MAGIC.length + 4 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(MAGIC);
            out.write(new byte[] {1, 0, (byte) header.length(), (byte) (header.length() >>> 8)});
            out.write(header.getBytes(StandardCharsets.ISO_8859_1));
            out.write(data);
        }
    }
}
