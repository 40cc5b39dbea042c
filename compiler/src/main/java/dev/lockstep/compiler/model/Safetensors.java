// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.isa.Fp16;
import dev.lockstep.isa.io.InputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@code .safetensors} file: an 8-byte little-endian header length, a JSON header naming each tensor's dtype,
 * shape and byte range, then the tensors' bytes (little-endian). Reads F16, BF16 and F32 tensors as doubles;
 * every malformed header, unknown dtype or range outside the file is an {@link InputException} naming the file
 * and the tensor.
 */
public final class Safetensors {
    /** One tensor's header entry. */
    public record Entry(String dtype, long[] shape, long begin, long end) {
        /** Values in the tensor; Long.MAX_VALUE when the shape's product overflows (no file holds that many). */
        public long elements() {
            long n = 1;
            try {
                for (long s : shape) {
                    n = Math.multiplyExact(n, s);
                }
            } catch (ArithmeticException e) {
                return Long.MAX_VALUE;
            }
            return n;
        }
    }

    private final String file;
    private final ByteBuffer data;
    private final Map<String, Entry> entries;

    private Safetensors(String file, ByteBuffer data, Map<String, Entry> entries) {
        this.file = file;
        this.data = data;
        this.entries = entries;
    }

    /** Opens a file (memory-mapped) and checks its header. */
    public static Safetensors open(Path path) {
        String file = path.toString();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new InputException(file, 1, 1, "the file has " + size + " bytes; functional mode reads "
                        + "checkpoints of at most 2 GiB (small models: it holds every weight in memory)");
            }
            if (size < 8) {
                throw new InputException(file, 1, 1, "a safetensors file starts with an 8-byte header length; the "
                        + "file has " + size + " bytes");
            }
            ByteBuffer all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
            long headerLength = all.getLong(0);
            if (headerLength < 2 || headerLength > size - 8 || headerLength > 100_000_000) {
                throw new InputException(file, 1, 1, "the header length " + headerLength + " does not fit a file of "
                        + size + " bytes (is this a safetensors file?)");
            }
            byte[] header = new byte[(int) headerLength];
            all.get(8, header);
            JsonNode root;
            try {
                root = new ObjectMapper().readTree(header);
            } catch (IOException e) {
                throw new InputException(file, 1, 1, "the header is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
            }
            if (root == null || !root.isObject()) {
                throw new InputException(file, 1, 1, "the header must be a JSON object of tensors");
            }
            long dataStart = 8 + headerLength;
            Map<String, Entry> entries = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getKey().equals("__metadata__")) {
                    continue;
                }
                entries.put(f.getKey(), entry(file, f.getKey(), f.getValue(), size - dataStart));
            }
            ByteBuffer body = all.slice((int) dataStart, (int) (size - dataStart)).order(ByteOrder.LITTLE_ENDIAN);
            return new Safetensors(file, body, entries);
        } catch (IOException e) {
            throw new InputException(file, 1, 1, "cannot read: " + e.getMessage());
        }
    }

    private static Entry entry(String file, String name, JsonNode n, long dataBytes) {
        JsonNode dtype = n.get("dtype");
        JsonNode shape = n.get("shape");
        JsonNode offsets = n.get("data_offsets");
        if (dtype == null || !dtype.isTextual() || shape == null || !shape.isArray() || offsets == null
                || !offsets.isArray() || offsets.size() != 2) {
            throw new InputException(file, 1, 1, "tensor " + name + ": needs \"dtype\", \"shape\" and "
                    + "\"data_offsets\": [begin, end]");
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            if (!shape.get(i).canConvertToLong() || shape.get(i).asLong() < 0) {
                throw new InputException(file, 1, 1, "tensor " + name + ": shape entries must be counts, got "
                        + shape);
            }
            dims[i] = shape.get(i).asLong();
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        Entry e = new Entry(dtype.asText(), dims, begin, end);
        int width = switch (e.dtype()) {
            case "F16", "BF16" -> 2;
            case "F32" -> 4;
            default -> 0;
        };
        if (width > 0 && (begin < 0 || end > dataBytes || e.elements() > dataBytes
                || end - begin != e.elements() * width)) {
            throw new InputException(file, 1, 1, "tensor " + name + ": data_offsets [" + begin + ", " + end
                    + "] do not hold " + e.elements() + " " + e.dtype() + " values within the " + dataBytes
                    + " data bytes");
        }
        return e;
    }

    /** The file's path, as given. */
    public String file() {
        return file;
    }

    /** The tensors' names, sorted. */
    public List<String> names() {
        return new ArrayList<>(entries.keySet());
    }

    public Optional<Entry> entry(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    /**
     * The tensor's values in row-major order, checked against the expected shape.
     *
     * @throws InputException if it is missing, of another shape, or not F16, BF16 or F32
     */
    public double[] read(String name, long... shape) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new InputException(file, 1, 1, "no tensor named " + name + " (the model's config needs it)");
        }
        if (!Arrays.equals(e.shape(), shape)) {
            throw new InputException(file, 1, 1, "tensor " + name + " has shape " + Arrays.toString(e.shape())
                    + "; the model's config needs " + Arrays.toString(shape));
        }
        if (e.elements() > Integer.MAX_VALUE - 8) {
            throw new InputException(file, 1, 1, "tensor " + name + " has " + e.elements() + " values, more than "
                    + "functional mode reads into memory");
        }
        double[] out = new double[(int) e.elements()];
        int at = (int) e.begin();
        switch (e.dtype()) {
            case "F16" -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Fp16.toFloat(data.getShort(at + 2 * i));
                }
            }
            case "BF16" -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.intBitsToFloat((data.getShort(at + 2 * i) & 0xFFFF) << 16);
                }
            }
            case "F32" -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = data.getFloat(at + 4 * i);
                }
            }
            default -> throw new InputException(file, 1, 1, "tensor " + name + " is " + e.dtype() + "; functional "
                    + "mode reads F16, BF16 and F32");
        }
        return out;
    }
}
