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
import java.util.Map;

/**
 * NumPy {@code .npy} files (format versions 1 to 3), the types Lockstep stores: int8 ({@code |i1}, and
 * {@code |u1} read as raw bytes), int16, int32, float16, float32, little-endian, C order.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private Npy() {
    }

    /**
     * An array read from a file.
     *
     * @param dtype element type
     * @param shape dimensions
     * @param data  elements, little-endian, C order
     */
    public record Array(DataType dtype, boolean unsigned, long[] shape, byte[] data) {
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
                case I8 -> unsigned ? data[i] & 0xFF : data[i];
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
        Map<String, Object> dict = HeaderParser.parse(header, file, start + 1);
        if (!dict.keySet().equals(java.util.Set.of("descr", "fortran_order", "shape"))) {
            throw new InputException(file, 1, start + 1, "malformed .npy header: it must hold exactly 'descr', "
                    + "'fortran_order' and 'shape', got " + header.trim());
        }
        if (!(dict.get("descr") instanceof String descr) || !(dict.get("fortran_order") instanceof Boolean fortran)
                || !(dict.get("shape") instanceof List<?> dims)) {
            throw new InputException(file, 1, start + 1, "malformed .npy header: " + header.trim());
        }
        if (fortran) {
            throw new InputException(file, 1, start + 1, "Fortran-order arrays are not supported; save in C order");
        }
        boolean unsigned = descr.equals("|u1") || descr.equals("u1");
        DataType dtype = switch (descr) {
            case "|i1", "|u1", "i1", "u1" -> DataType.I8;
            case "<i2" -> DataType.I16;
            case "<i4" -> DataType.I32;
            case "<f2" -> DataType.F16;
            case "<f4" -> DataType.F32;
            default -> throw new InputException(file, 1, start + 1, "element type '" + descr + "' is not "
                    + "supported; use int8, uint8, int16, int32, float16 or float32, little-endian");
        };
        long[] shape = dims.stream().mapToLong(x -> (Long) x).toArray();
        long n = 1;
        for (long dim : shape) {
            if (dim < 0 || (dim > 0 && n > Integer.MAX_VALUE / dim)) {
                throw new InputException(file, 1, start + 1, "unsupported .npy shape " + dims);
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
        return new Array(dtype, unsigned, shape, data);
    }

    /** Reads the Python dict literal of a .npy header: string keys; string, bool or int-tuple values. */
    private static final class HeaderParser {
        private final String text;
        private final String file;
        private final int column;
        private int pos;

        private HeaderParser(String text, String file, int column) {
            this.text = text;
            this.file = file;
            this.column = column;
        }

        static Map<String, Object> parse(String text, String file, int column) {
            HeaderParser p = new HeaderParser(text.strip(), file, column);
            Map<String, Object> out = p.dict();
            if (p.pos != p.text.length()) {
                throw p.error();
            }
            return out;
        }

        private InputException error() {
            return new InputException(file, 1, column, "malformed .npy header: " + text);
        }

        private void skip() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        private boolean eat(char c) {
            skip();
            if (pos < text.length() && text.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!eat(c)) {
                throw error();
            }
        }

        private Map<String, Object> dict() {
            expect('{');
            Map<String, Object> out = new java.util.TreeMap<>();
            while (!eat('}')) {
                String key = string();
                expect(':');
                if (out.put(key, value()) != null) {
                    throw error();
                }
                if (!eat(',')) {
                    expect('}');
                    break;
                }
            }
            return out;
        }

        private String string() {
            skip();
            if (pos >= text.length() || text.charAt(pos) != '\'') {
                throw error();
            }
            int end = text.indexOf('\'', pos + 1);
            if (end < 0) {
                throw error();
            }
            String s = text.substring(pos + 1, end);
            pos = end + 1;
            return s;
        }

        private Object value() {
            skip();
            if (text.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (text.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            if (eat('(')) {
                List<Long> dims = new ArrayList<>();
                while (!eat(')')) {
                    skip();
                    int start = pos;
                    while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                        pos++;
                    }
                    if (start == pos || pos - start > 12) {
                        throw error();
                    }
                    dims.add(Long.parseLong(text.substring(start, pos)));
                    if (!eat(',')) {
                        expect(')');
                        break;
                    }
                }
                return dims;
            }
            return string();
        }
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
