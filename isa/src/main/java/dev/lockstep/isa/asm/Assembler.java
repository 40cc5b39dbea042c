// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.asm;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Fp16;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.OperandException;
import dev.lockstep.isa.OperandKind;
import dev.lockstep.isa.OperandSpec;
import dev.lockstep.isa.Operands;
import dev.lockstep.isa.Streams;
import dev.lockstep.isa.asm.Token.Kind;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.Queue;
import dev.lockstep.isa.chip.Slice;
import dev.lockstep.isa.io.InputException;
import dev.lockstep.isa.io.Nearest;
import dev.lockstep.isa.io.Npy;
import dev.lockstep.isa.io.SourceFiles;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.Constant;
import dev.lockstep.isa.program.DataBlock;
import dev.lockstep.isa.program.LaneMap;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.program.ProgramRules;
import dev.lockstep.isa.program.QueueProgram;
import dev.lockstep.isa.program.Region;
import dev.lockstep.isa.program.VectorLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Assembly text ({@code .lsa}) to {@link Program}, in one pass. The syntax is in docs/isa.md. Every problem is
 * an {@link InputException} at the line and column of the offending token; the first one stops assembly. (Over
 * 400 lines: one pass over every directive and operand kind, each with its located error; the lexer is apart, in
 * {@link Lexer}.)
 */
public final class Assembler {
    private static final List<String> MNEMONICS = Arrays.stream(Opcode.values()).map(Opcode::mnemonic).toList();
    private static final int MAX_EXPRESSION_DEPTH = 200;
    private static final int MAX_LIST = 4 * 8192 * 320;
    private static final List<String> DIRECTIVES = List.of(".equ", ".map", ".chip", ".queue", ".data", ".region",
            ".init");

    private final ChipSpec chip;

    public Assembler(ChipSpec chip) {
        this.chip = chip;
    }

    /** A program and where each of its instructions came from. */
    public record Assembled(Program program, SourceMap sources) {
    }

    /** Assembles a file; {@code .npy} paths in it are relative to the file's folder. */
    public Program assemble(Path file) {
        return assembleWithSources(file).program();
    }

    /** Assembles a file and keeps the source position of every instruction. */
    public Assembled assembleWithSources(Path file) {
        byte[] bytes = SourceFiles.readBytes(file);
        Path dir = file.toAbsolutePath().getParent();
        return assembleWithSources(file.toString(), new String(bytes, StandardCharsets.UTF_8), dir);
    }

    /** Assembles text; {@code baseDir} resolves {@code .npy} paths (null: the working directory). */
    public Program assemble(String fileName, String text, Path baseDir) {
        return assembleWithSources(fileName, text, baseDir).program();
    }

    public Assembled assembleWithSources(String fileName, String text, Path baseDir) {
        if (text.isEmpty()) {
            throw new InputException(fileName, 1, 1, "the file is empty; expected assembly text (see docs/isa.md)");
        }
        String body = text.startsWith("\uFEFF") ? " " + text.substring(1) : text;
        Run run = new Run(fileName, Lexer.tokens(fileName, body), baseDir == null ? Path.of("") : baseDir);
        Program program = run.program();
        return new Assembled(program, run.sources);
    }

    /** The state of one assembly. */
    private final class Run {
        private final String file;
        private final List<Token> tokens;
        private final Path baseDir;
        private int at;
        private final Map<String, Long> constants = new LinkedHashMap<>();
        private final List<LaneMap> maps = new ArrayList<>();
        private final Map<Integer, ChipState> chips = new TreeMap<>();
        private final SourceMap sources;
        private int chipId;
        private ChipState chipState;
        private QueueState queue;
        private long instructions;

        Run(String file, List<Token> tokens, Path baseDir) {
            this.file = file;
            this.tokens = tokens;
            this.baseDir = baseDir;
            this.sources = new SourceMap(file);
        }

        Program program() {
            while (peek().kind() != Kind.EOF) {
                Token t = peek();
                if (t.kind() == Kind.NEWLINE) {
                    next();
                } else if (t.kind() == Kind.IDENT && t.text().startsWith(".")) {
                    directive();
                } else {
                    instruction();
                }
            }
            if (instructions == 0) {
                throw new InputException(file, 1, 1, "no instructions in the file; a program needs at least one "
                        + "'.queue' section with an instruction");
            }
            List<ChipProgram> chipPrograms = new ArrayList<>();
            chips.forEach((id, c) -> chipPrograms.add(c.build(id)));
            List<Constant> cs = new ArrayList<>();
            constants.forEach((k, v) -> cs.add(new Constant(k, v)));
            return new Program(chip.name(), chip.vectorBytes(), cs, maps, chipPrograms);
        }

        // ------------------------------------------------------------------ tokens

        private Token peek() {
            return tokens.get(at);
        }

        private Token next() {
            return tokens.get(at++);
        }

        private InputException error(Token t, String message) {
            return new InputException(file, t.line(), t.column(), message);
        }

        private Token expect(String punct, String what) {
            Token t = next();
            if (!t.is(punct)) {
                throw error(t, "expected '" + punct + "' " + what + ", got " + t.describe());
            }
            return t;
        }

        private void endOfLine() {
            Token t = next();
            if (t.kind() != Kind.NEWLINE) {
                throw error(t, "unexpected " + t.describe() + "; expected the end of the line");
            }
        }

        private Token ident(String what) {
            Token t = next();
            if (t.kind() != Kind.IDENT) {
                throw error(t, "expected " + what + ", got " + t.describe());
            }
            return t;
        }

        // ------------------------------------------------------------------ expressions

        /** A whole-number expression: + - * and parentheses over numbers, constants, regions and maps. */
        private long expr() {
            Token t = peek();
            try {
                return sum();
            } catch (ArithmeticException e) {
                throw error(t, "the value of this expression does not fit 64 bits");
            }
        }

        private long sum() {
            long v = product();
            while (peek().is("+") || peek().is("-")) {
                boolean plus = next().is("+");
                long r = product();
                v = plus ? Math.addExact(v, r) : Math.subtractExact(v, r);
            }
            return v;
        }

        private long product() {
            long v = unary();
            while (peek().is("*")) {
                next();
                v = Math.multiplyExact(v, unary());
            }
            return v;
        }

        private int depth;

        private long unary() {
            if (++depth > MAX_EXPRESSION_DEPTH) {
                throw error(peek(), "expression nested more than " + MAX_EXPRESSION_DEPTH + " deep");
            }
            try {
                return unaryTerm();
            } finally {
                depth--;
            }
        }

        private long unaryTerm() {
            if (peek().is("-")) {
                next();
                return Math.negateExact(unary());
            }
            Token t = next();
            if (t.is("(")) {
                long v = sum();
                expect(")", "to close '('");
                return v;
            }
            if (t.kind() == Kind.NUMBER) {
                return integer(t);
            }
            if (t.kind() == Kind.IDENT && !t.text().startsWith(".")) {
                return symbol(t);
            }
            throw error(t, "expected a number or a name, got " + t.describe());
        }

        private long integer(Token t) {
            String s = t.text().replace("_", "").toLowerCase(java.util.Locale.ROOT);
            try {
                if (s.startsWith("0x")) {
                    return Long.parseLong(s.substring(2), 16);
                }
                if (s.startsWith("0b")) {
                    return Long.parseLong(s.substring(2), 2);
                }
                if (s.contains(".") || s.contains("e")) {
                    throw error(t, "expected a whole number, got " + t.text());
                }
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw error(t, "malformed or too large number '" + t.text() + "'");
            }
        }

        private long symbol(Token t) {
            Long c = constants.get(t.text());
            if (c != null) {
                return c;
            }
            if (chipState != null) {
                for (Region r : chipState.regions) {
                    if (r.name().equals(t.text())) {
                        return r.address();
                    }
                }
            }
            for (int i = 0; i < maps.size(); i++) {
                if (maps.get(i).name().equals(t.text())) {
                    return i;
                }
            }
            List<String> known = new ArrayList<>(constants.keySet());
            if (chipState != null) {
                chipState.regions.forEach(r -> known.add(r.name()));
            }
            maps.forEach(m -> known.add(m.name()));
            throw error(t, "unknown name '" + t.text() + "'" + Nearest.hint(t.text(), known)
                    + "; names are declared before use with .equ, .data, .region or .map");
        }

        /**
         * A real number as written: its decimal text when it has one (so that each type rounds it once, from the
         * decimal), else its value (inf, nan, hex integers, constants).
         */
        private record Real(String decimal, double value) {
            long f32Bits() {
                float f = decimal != null ? Float.parseFloat(decimal) : (float) value;
                return Float.floatToRawIntBits(f) & 0xFFFF_FFFFL;
            }

            long f16Bits() {
                return (decimal != null ? Fp16.fromDecimal(decimal) : Fp16.fromDouble(value)) & 0xFFFFL;
            }

            long bits(DataType type) {
                return type == DataType.F16 ? f16Bits() : f32Bits();
            }
        }

        /** A float: a number, inf, nan or a constant, optionally negated. */
        private Real floating() {
            boolean negative = false;
            while (peek().is("-")) {
                next();
                negative = !negative;
            }
            Token t = next();
            String sign = negative ? "-" : "";
            if (t.kind() == Kind.NUMBER) {
                String s = t.text().replace("_", "");
                String lower = s.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("0x") || lower.startsWith("0b")) {
                    long v = integer(t);
                    return new Real(null, negative ? -(double) v : v);
                }
                try {
                    return new Real(sign + s, Double.parseDouble(sign + s));
                } catch (NumberFormatException e) {
                    throw error(t, "malformed number '" + t.text() + "'");
                }
            }
            if (t.kind() == Kind.IDENT && t.text().equals("bits") && peek().is("(")) {
                throw error(t, "bits(...) is only accepted as a whole float immediate operand, such as "
                        + "vaddi.f32 e0, e4, bits(0x3f800000)");
            }
            if (t.kind() == Kind.IDENT && t.text().equalsIgnoreCase("inf")) {
                return new Real(null, negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
            }
            if (t.kind() == Kind.IDENT && t.text().equalsIgnoreCase("nan")) {
                return new Real(null, Double.NaN);
            }
            if (t.kind() == Kind.IDENT && constants.containsKey(t.text())) {
                long v = constants.get(t.text());
                return new Real(null, negative ? -(double) v : v);
            }
            throw error(t, "expected a number, got " + t.describe());
        }

        // ------------------------------------------------------------------ directives

        private void directive() {
            Token d = next();
            switch (d.text()) {
                case ".equ" -> equ();
                case ".map" -> map();
                case ".chip" -> chipDirective(d);
                case ".queue" -> queueDirective();
                case ".data" -> data(d);
                case ".region" -> region(d);
                case ".init" -> init(d);
                default -> throw error(d, "unknown directive '" + d.text() + "'" + Nearest.hint(d.text(), DIRECTIVES)
                        + "; directives: " + String.join(", ", DIRECTIVES));
            }
            endOfLine();
        }

        private String newName(String what) {
            Token t = ident("a name for the " + what);
            String name = t.text();
            check(t, ProgramRules.checkName(name).map(p -> p + " (for a " + what + ")"));
            boolean taken = constants.containsKey(name) || maps.stream().anyMatch(m -> m.name().equals(name))
                    || chips.values().stream().anyMatch(c -> c.regions.stream().anyMatch(r -> r.name().equals(name)));
            if (taken) {
                throw error(t, "the name '" + name + "' is already declared");
            }
            return name;
        }

        private void equ() {
            String name = newName("constant");
            expect(",", "after the constant's name");
            constants.put(name, expr());
        }

        private void map() {
            Token start = peek();
            String name = newName("lane map");
            expect(",", "after the map's name");
            int[] lanes;
            if (peek().kind() == Kind.STRING) {
                Token f = next();
                Npy.Array a = npy(f);
                if (a.dtype().isFloating()) {
                    throw error(f, "a lane map's .npy must hold integers, not " + a.dtype().text());
                }
                if (a.elements() != chip.vectorBytes()) {
                    throw error(f, "lane map '" + name + "' has " + a.elements() + " entries; it needs one per lane ("
                            + chip.vectorBytes() + ")");
                }
                lanes = new int[(int) a.elements()];
                for (int i = 0; i < lanes.length; i++) {
                    lanes[i] = (int) a.bits(i);
                }
            } else {
                List<Long> values = list(this::expr);
                lanes = values.stream().mapToInt(v -> (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v)))
                        .toArray();
            }
            LaneMap m = new LaneMap(name, lanes);
            check(start, ProgramRules.checkMap(chip, m, maps));
            maps.add(m);
        }

        private <T> List<T> list(java.util.function.Supplier<T> element) {
            expect("[", "to start a list");
            List<T> out = new ArrayList<>();
            if (!peek().is("]")) {
                out.add(element.get());
                while (peek().is(",")) {
                    next();
                    if (peek().is("]")) {
                        break;
                    }
                    if (out.size() == MAX_LIST) {
                        throw error(peek(), "a list holds at most " + MAX_LIST + " values (four MEM slices' worth); "
                                + "put larger arrays in .npy files");
                    }
                    out.add(element.get());
                }
            }
            expect("]", "to close the list");
            return out;
        }

        private void chipDirective(Token d) {
            Token t = peek();
            long id = expr();
            if (id < 0 || id > ProgramRules.MAX_CHIP_ID) {
                throw error(t, "chip id must be in 0.." + ProgramRules.MAX_CHIP_ID + ", got " + id);
            }
            chipId = (int) id;
            chipState = chips.computeIfAbsent((int) id, k -> new ChipState());
            queue = null;
        }

        private ChipState currentChip() {
            if (chipState == null) {
                chipState = chips.computeIfAbsent(0, k -> new ChipState());
            }
            return chipState;
        }

        private void queueDirective() {
            Token t = ident("a queue name such as mem.w0, vxm.3 or mxm.e0.1");
            Optional<Queue> q = chip.floorplan().queue(t.text());
            if (q.isEmpty() && t.text().matches("q[0-9]{1,6}")) {
                int id = Integer.parseInt(t.text().substring(1));
                if (id < chip.floorplan().queues().size()) {
                    q = Optional.of(chip.floorplan().queues().get(id));
                }
            }
            if (q.isEmpty()) {
                List<String> names = chip.floorplan().queues().stream().map(Queue::name).toList();
                throw error(t, "no queue '" + t.text() + "' on " + chip.name() + Nearest.hint(t.text(), names)
                        + "; queues are named like mem.w0..mem.w43, mem.e0..mem.e43, vxm.0..vxm."
                        + (chip.vxm().queuesPerSlice() - 1) + ", mxm.w0.0, sxm.e0.3 or q0..q"
                        + (chip.floorplan().queues().size() - 1) + " (see docs/isa.md)");
            }
            queue = currentChip().queues.computeIfAbsent(q.get().id(), k -> new QueueState());
            queue.queue = q.get();
        }

        private List<Integer> slices() {
            List<Integer> out = new ArrayList<>();
            do {
                if (!out.isEmpty()) {
                    next();
                }
                Token t = ident("a MEM slice name such as mem.w0");
                Optional<Slice> s = chip.floorplan().slice(t.text());
                if (s.isEmpty()) {
                    List<String> names = chip.floorplan().slices().stream().map(Slice::name).toList();
                    throw error(t, "no slice '" + t.text() + "' on " + chip.name() + Nearest.hint(t.text(), names));
                }
                check(t, ProgramRules.checkMemSlice(chip, s.get().position()));
                out.add(s.get().position());
            } while (peek().is("+"));
            return out;
        }

        private int address() {
            Token t = peek();
            long a = expr();
            if (a < 0 || a >= chip.mem().wordsPerSlice()) {
                throw error(t, "address " + a + " is out of range: a MEM slice of " + chip.name() + " has addresses 0.."
                        + (chip.mem().wordsPerSlice() - 1));
            }
            return (int) a;
        }

        private DataType dtype() {
            Token t = ident("an element type (i8, i16, i32, f16, f32)");
            return DataType.fromText(t.text()).orElseThrow(() -> error(t, "unknown element type '" + t.text()
                    + "'; types: i8, i16, i32, f16, f32"));
        }

        private boolean readonlyFlag() {
            if (peek().is(",")) {
                next();
                Token t = ident("'readonly'");
                if (!t.text().equals("readonly")) {
                    throw error(t, "expected 'readonly' or the end of the line, got " + t.describe());
                }
                return true;
            }
            return false;
        }

        private void data(Token d) {
            ChipState c = currentChip();
            String name = newName("region");
            expect(",", "after the region's name");
            List<Integer> slices = slices();
            expect(",", "after the slices");
            int address = address();
            expect(",", "after the address");
            DataType dtype;
            long[] bits;
            if (peek().kind() == Kind.STRING) {
                Token f = next();
                Npy.Array a = npy(f);
                dtype = a.dtype();
                long fits = (long) chip.mem().wordsPerSlice() * slices.size() / dtype.bytes() * chip.vectorBytes();
                if (a.elements() > fits) {
                    throw error(f, f.text() + " holds " + a.elements() + " elements of " + dtype.text() + "; "
                            + slices.size() + " slice(s) hold at most " + fits);
                }
                bits = new long[(int) a.elements()];
                for (int i = 0; i < bits.length; i++) {
                    bits[i] = a.bits(i);
                }
            } else {
                dtype = dtype();
                expect(",", "after the element type");
                DataType type = dtype;
                bits = list(() -> elementBits(type)).stream().mapToLong(Long::longValue).toArray();
            }
            if (bits.length == 0) {
                throw error(d, "no values: a .data region holds at least one element");
            }
            boolean readOnly = readonlyFlag();
            Region r = new Region(name, slices, address, dtype, bits.length, readOnly);
            check(d, ProgramRules.checkRegion(chip, r, c.regions));
            byte[][] planes = VectorLayout.planes(dtype, bits, chip.vectorBytes());
            List<DataBlock> blocks = new ArrayList<>();
            if (slices.size() == 1) {
                blocks.add(new DataBlock(slices.get(0), address, VectorLayout.interleave(planes, chip.vectorBytes())));
            } else {
                for (int p = 0; p < planes.length; p++) {
                    blocks.add(new DataBlock(slices.get(p), address, planes[p]));
                }
            }
            for (DataBlock b : blocks) {
                check(d, ProgramRules.checkData(chip, b, c.data));
                c.data.add(b);
            }
            c.regions.add(r);
        }

        private long elementBits(DataType dtype) {
            Token t = peek();
            if (dtype.isFloating()) {
                return floating().bits(dtype);
            }
            long v = expr();
            long bitsWide = 8L * dtype.bytes();
            long min = -(1L << (bitsWide - 1));
            long max = (1L << (bitsWide - 1)) - 1;
            if (v < min || v > max) {
                throw error(t, dtype.text() + " value " + v + " is out of range " + min + ".." + max);
            }
            return v;
        }

        private void region(Token d) {
            ChipState c = currentChip();
            String name = newName("region");
            expect(",", "after the region's name");
            List<Integer> slices = slices();
            expect(",", "after the slices");
            int address = address();
            expect(",", "after the address");
            DataType dtype = dtype();
            expect(",", "after the element type");
            Token n = peek();
            long elements = expr();
            if (elements < 1 || elements > Integer.MAX_VALUE) {
                throw error(n, "a region holds 1.." + Integer.MAX_VALUE + " elements, got " + elements);
            }
            Region r = new Region(name, slices, address, dtype, (int) elements, readonlyFlag());
            check(d, ProgramRules.checkRegion(chip, r, c.regions));
            c.regions.add(r);
        }

        private void init(Token d) {
            ChipState c = currentChip();
            List<Integer> slices = slices();
            if (slices.size() != 1) {
                throw error(d, ".init takes one slice");
            }
            expect(",", "after the slice");
            int address = address();
            expect(",", "after the address");
            Token hex = peek();
            List<byte[]> parts = hex.is("[") ? list(this::hexString) : List.of(hexString());
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            parts.forEach(all::writeBytes);
            DataBlock b = new DataBlock(slices.get(0), address, all.toByteArray());
            check(hex, ProgramRules.checkData(chip, b, c.data));
            c.data.add(b);
        }

        private byte[] hexString() {
            Token hex = next();
            if (hex.kind() != Kind.STRING) {
                throw error(hex, "expected words as a string of hex digits, got " + hex.describe());
            }
            try {
                return HexFormat.of().parseHex(hex.text());
            } catch (IllegalArgumentException e) {
                throw error(hex, "malformed hex string: " + e.getMessage());
            }
        }

        private Npy.Array npy(Token f) {
            Path p = baseDir.resolve(f.text());
            try {
                return Npy.read(p);
            } catch (InputException e) {
                throw error(f, "cannot use " + f.text() + ": " + e.getMessage());
            }
        }

        private void check(Token t, Optional<String> problem) {
            if (problem.isPresent()) {
                throw error(t, problem.get());
            }
        }

        // ------------------------------------------------------------------ instructions

        private void instruction() {
            Token first = peek();
            Long explicitCycle = null;
            if (first.is("@")) {
                next();
                Token c = peek();
                if (c.kind() == Kind.IDENT && !constants.containsKey(c.text())
                        && Opcode.fromMnemonic(c.text().split("\\.")[0]).isPresent()) {
                    throw error(c, "expected an issue cycle after '@', e.g. @12 " + c.text());
                }
                long cycle = expr();
                if (cycle < 0 || cycle > ProgramRules.MAX_CYCLE) {
                    throw error(c, "issue cycle " + cycle + " is out of range 0.." + ProgramRules.MAX_CYCLE);
                }
                explicitCycle = cycle;
                if (peek().kind() == Kind.NEWLINE) {
                    throw error(peek(), "expected an instruction after '@" + cycle + "'");
                }
            }
            Token m = ident("an instruction mnemonic or a directive");
            String[] parts = m.text().split("\\.", -1);
            Opcode op = Opcode.fromMnemonic(parts[0]).orElseThrow(() -> error(m, "unknown mnemonic '" + parts[0]
                    + "'" + Nearest.hint(parts[0], MNEMONICS) + "; docs/isa.md lists every opcode"));
            if (queue == null) {
                throw error(m, "instruction outside a queue section; start one with '.queue NAME', e.g. .queue mem.w0");
            }
            List<OperandSpec> specs = op.operands();
            int nDtypes = op.dtypeCount();
            long[] values = new long[specs.size()];
            if (parts.length - 1 != nDtypes) {
                String need = nDtypes == 0 ? "takes no type suffix"
                        : "needs " + (nDtypes == 1 ? "a type suffix" : nDtypes + " type suffixes") + ", e.g. "
                                + example(op);
                throw error(m, op.mnemonic() + " " + need + ", got '" + m.text() + "'");
            }
            for (int i = 0; i < nDtypes; i++) {
                String suffix = parts[i + 1];
                OperandSpec spec = specs.get(i);
                Optional<DataType> t = DataType.fromText(suffix).filter(spec.dtypes()::contains);
                if (t.isEmpty()) {
                    throw error(m, op.mnemonic() + " type '" + spec.name() + "' must be one of "
                            + Operands.typeList(spec.dtypes()) + ", got '" + suffix + "'");
                }
                values[i] = t.get().code();
            }
            int required = 0;
            for (int i = nDtypes; i < specs.size(); i++) {
                if (specs.get(i).defaultValue().isEmpty()) {
                    required = i - nDtypes + 1;
                }
            }
            int total = specs.size() - nDtypes;
            Token[] at = new Token[specs.size()];
            int given = 0;
            if (peek().kind() != Kind.NEWLINE) {
                while (true) {
                    if (given == total) {
                        throw error(peek(), tooMany(op, given, required, total));
                    }
                    int index = nDtypes + given;
                    at[index] = peek();
                    values[index] = operand(op, specs.get(index), values);
                    given++;
                    if (!peek().is(",")) {
                        break;
                    }
                    next();
                }
            }
            if (peek().kind() != Kind.NEWLINE) {
                throw error(peek(), "unexpected " + peek().describe() + " after operand " + given + " of "
                        + op.mnemonic() + "; operands are separated by ','");
            }
            endOfLine();
            if (given < required) {
                throw error(m, op.mnemonic() + " takes " + countText(required, total) + " operand(s) ("
                        + signature(op) + "), got " + given);
            }
            for (int i = nDtypes + given; i < specs.size(); i++) {
                values[i] = specs.get(i).defaultValue().orElseThrow();
            }
            Instruction ins;
            try {
                ins = Instruction.of(op, values);
            } catch (OperandException e) {
                Token t = e.operandIndex() >= 0 && at[e.operandIndex()] != null ? at[e.operandIndex()] : m;
                throw error(t, e.getMessage());
            }
            Optional<ProgramRules.OperandProblem> problem = ProgramRules.checkOperands(chip, ins, maps.size());
            if (problem.isPresent()) {
                int i = problem.get().operandIndex();
                throw error(at[i] != null ? at[i] : m, problem.get().message());
            }
            long cycle = explicitCycle != null ? explicitCycle : queue.freeCycle;
            Optional<String> issue = ProgramRules.checkIssue(chip, queue.queue, ins, cycle, queue.previous,
                    queue.previousCycle);
            if (issue.isPresent()) {
                throw error(explicitCycle != null ? first : m, issue.get());
            }
            sources.put(chipId, queue.queue.id(), queue.cycles.size(), first.line(), first.column());
            queue.add(cycle, ins, ProgramRules.freeCycle(chip, ins, cycle));
            instructions++;
        }

        private long operand(Opcode op, OperandSpec spec, long[] values) {
            Token t = peek();
            return switch (spec.kind()) {
                case STREAM -> {
                    next();
                    Optional<Long> s = t.kind() == Kind.IDENT ? Streams.parse(t.text()) : Optional.empty();
                    if (s.isEmpty()) {
                        throw error(t, op.mnemonic() + " operand '" + spec.name() + "' is a stream such as e0 or w3, "
                                + "got " + t.describe());
                    }
                    if (s.get() < 0) {
                        throw error(t, "stream index in '" + t.text() + "' is out of range: " + chip.name()
                                + " has streams 0.." + (chip.streamsPerDirection() - 1) + " in each direction");
                    }
                    yield s.get();
                }
                case BITS32 -> {
                    boolean floatImm = spec.name().equals("imm")
                            && DataType.fromCode(values[0]).map(DataType::isFloating).orElse(false);
                    if (floatImm) {
                        if (t.kind() == Kind.IDENT && t.text().equals("bits") && tokens.get(at + 1).is("(")) {
                            next();
                            next();
                            Token b = peek();
                            long raw = sum();
                            expect(")", "to close bits(");
                            if (raw < 0 || raw > 0xFFFF_FFFFL) {
                                throw error(b, "bits(...) takes the 32 raw bits of an f32, 0..0xffffffff, got " + raw);
                            }
                            yield raw;
                        }
                        yield floating().f32Bits();
                    }
                    long v = expr();
                    if (spec.name().equals("imm")) {
                        DataType type = DataType.fromCode(values[0]).orElseThrow();
                        long max = type.bytes() == 4 ? Integer.MAX_VALUE : (1L << (8 * type.bytes() - 1)) - 1;
                        if (v < -max - 1 || v > max) {
                            throw error(t, op.mnemonic() + "." + type.text() + " immediate must be in " + (-max - 1)
                                    + ".." + max + ", got " + v);
                        }
                    }
                    if (v < Integer.MIN_VALUE || v > 0xFFFF_FFFFL) {
                        throw error(t, op.mnemonic() + " operand '" + spec.name() + "' must fit 32 bits ("
                                + Integer.MIN_VALUE + "..4294967295), got " + v);
                    }
                    yield v & 0xFFFF_FFFFL;
                }
                default -> expr();
            };
        }

        private String tooMany(Opcode op, int given, int required, int total) {
            return op.mnemonic() + " takes " + countText(required, total) + " operand(s) (" + signature(op)
                    + "), got more than " + given;
        }

        private String countText(int required, int total) {
            return required == total ? Integer.toString(total) : required + " to " + total;
        }
    }

    /** {@code dst, addr[, count[, stride]]}: the operands of an opcode as docs/isa.md writes them. */
    public static String signature(Opcode op) {
        StringBuilder sb = new StringBuilder();
        int optional = 0;
        for (OperandSpec s : op.operands()) {
            if (s.isDtype()) {
                continue;
            }
            if (s.defaultValue().isPresent()) {
                sb.append(sb.length() == 0 ? "[" : "[, ");
                optional++;
            } else if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(s.name());
        }
        sb.append("]".repeat(optional));
        return sb.toString();
    }

    /** An example spelling of an opcode's mnemonic with its type suffixes, e.g. {@code vcvt.f16.f32}. */
    public static String example(Opcode op) {
        StringBuilder sb = new StringBuilder(op.mnemonic());
        for (int i = 0; i < op.dtypeCount(); i++) {
            sb.append('.').append(op.operands().get(i).dtypes().stream().sorted().reduce((a, b) -> b)
                    .orElseThrow().text());
        }
        return sb.toString();
    }

    /** What an instruction line is collecting for one queue. */
    private static final class QueueState {
        private Queue queue;
        private final List<Long> cycles = new ArrayList<>();
        private final List<Long> words = new ArrayList<>();
        private Instruction previous;
        private long previousCycle;
        private long freeCycle;

        void add(long cycle, Instruction ins, long free) {
            cycles.add(cycle);
            words.add(ins.word());
            previous = ins;
            previousCycle = cycle;
            freeCycle = free;
        }
    }

    /** What one chip section has collected. */
    private static final class ChipState {
        private final Map<Integer, QueueState> queues = new TreeMap<>();
        private final List<Region> regions = new ArrayList<>();
        private final List<DataBlock> data = new ArrayList<>();

        ChipProgram build(int id) {
            List<QueueProgram> qs = new ArrayList<>();
            queues.forEach((qid, q) -> qs.add(new QueueProgram(qid,
                    q.cycles.stream().mapToLong(Long::longValue).toArray(),
                    q.words.stream().mapToLong(Long::longValue).toArray())));
            return new ChipProgram(id, qs, data, regions);
        }
    }
}
