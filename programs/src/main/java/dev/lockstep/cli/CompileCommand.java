// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.compiler.CompileException;
import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.MatMul;
import dev.lockstep.compiler.ScheduleOptions;
import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.config.ModelConfigs;
import dev.lockstep.compiler.config.Precision;
import dev.lockstep.compiler.matmul.MatMulCompiler;
import dev.lockstep.compiler.model.BlockCompiler;
import dev.lockstep.compiler.model.DecodePlan;
import dev.lockstep.compiler.vector.VectorCompiler;
import dev.lockstep.compiler.vector.VectorGraph;
import dev.lockstep.compiler.vector.VectorKernels;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.asm.Disassembler;
import dev.lockstep.isa.binary.LsbWriter;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.io.ParamChange;
import dev.lockstep.run.Verified;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.SimResult;
import dev.lockstep.sim.TraceHash;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lockstep compile --op matmul --shape MxKxN}: compiles one op, simulates it, reports how good it is. */
@Command(name = "compile", mixinStandardHelpOptions = true,
        description = "Compile one tensor op to a cycle-exact program, simulate it (timing-only) and report the "
                + "predicted and simulated cycles, a lower bound and the MXM utilisation. Ops so far: matmul, gemv "
                + "(--shape MxKxN), on one row of C values (--shape C): add, multiply, silu, swiglu, rmsnorm, "
                + "softmax, rope (heads of --head-dim values), top-k routing over E experts (--op route "
                + "--shape E --top-k K), and a model's blocks on one chip (--op attention|moe-block --model M).")
final class CompileCommand implements Callable<Integer> {
    static final List<String> OPS = List.of("matmul", "gemv", "add", "multiply", "silu", "swiglu", "rmsnorm",
            "softmax", "route", "rope", "attention", "moe-block");

    @Option(names = "--op", required = true, paramLabel = "OP",
            description = "The op: matmul, gemv, add, multiply, silu, swiglu, rmsnorm, softmax, rope, route, "
                    + "attention, moe-block.")
    String op;

    @Option(names = "--head-dim", defaultValue = "128", paramLabel = "D",
            description = "Values per attention head, for --op rope. Default: ${DEFAULT-VALUE}.")
    int headDim;

    @Option(names = "--top-k", defaultValue = "2", paramLabel = "K",
            description = "Experts chosen per token, for --op route. Default: ${DEFAULT-VALUE}.")
    int topK;

    @Option(names = "--model", paramLabel = "PRESET|FILE", defaultValue = "mixtral-8x7b",
            description = "For --op attention and moe-block: the model whose block to compile. Default: "
                    + "${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--context", paramLabel = "C", defaultValue = "4096",
            description = "For --op attention: tokens in the KV cache. Default: ${DEFAULT-VALUE}.")
    int context;

    @Option(names = "--columns", paramLabel = "N",
            description = "For --op moe-block: the expert's intermediate columns on this chip (default: the share "
                    + "of one chip when an expert is split over as few chips as hold it).")
    Integer columns;

    @Option(names = "--shape", paramLabel = "MxKxN",
            description = "matmul: MxKxN ([M x K] x [K x N]), e.g. 2304x4096x4096; gemv: KxN or 1xKxN; the vector "
                    + "ops: the row length C (or 1xC), at most 999999; route: the number of experts E.")
    String shape;

    @Option(names = "--dtype", defaultValue = "fp16", paramLabel = "fp16|int8",
            description = "Weights and activations: fp16 (f32 results) or int8 (i32 results). Default: ${DEFAULT-VALUE}.")
    String dtype;

    @Option(names = "--no-weight-overlap",
            description = "Scheduler choice off: LW waits until the previous piece's activations are all in.")
    boolean noWeightOverlap;

    @Option(names = "--no-row-split",
            description = "Scheduler choice off: N tiles left over are not split among the units by rows.")
    boolean noRowSplit;

    @Option(names = "--no-chaining",
            description = "Scheduler choice off: vector ops always read their inputs back from SRAM.")
    boolean noChaining;

    @Option(names = "--json", description = "Print only a JSON object on stdout.")
    boolean json;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE.lsa|FILE.lsb",
            description = "Also write the program, as text (.lsa) or binary (.lsb).")
    Path output;

    @Mixin
    ChipOption chip;

    @Mixin
    SystemOption system;

    @Mixin
    ParamOptions params;

    @Spec
    CommandSpec spec;

    /** What --chip-param and --system-param changed, for the report. */
    private List<ParamChange> changes = List.of();

    @Override
    public Integer call() {
        SystemOption.Target target = system.target(chip, params);
        dev.lockstep.isa.system.SystemSpec sys = target.system();
        ChipSpec chipSpec = target.chip();
        changes = target.changes();
        if (sys != null && !op.equals("matmul") && !op.equals("gemv")) {
            throw new OutputException("--system applies to --op matmul and gemv (split by columns over a node's "
                    + "chips); --op " + op + " compiles for one chip", null);
        }
        if (!OPS.contains(op)) {
            throw new OutputException("--op " + op + ": not supported yet; the compiler builds " + String.join(", ", OPS)
                    + " so far", null);
        }
        if (op.equals("attention") || op.equals("moe-block")) {
            if (shape != null) {
                throw new OutputException("--op " + op + " takes --model (and --context or --columns), not --shape",
                        null);
            }
            return block(chipSpec);
        }
        if (shape == null) {
            throw new OutputException("--op " + op + " needs --shape", null);
        }
        if (!op.equals("matmul") && !op.equals("gemv")) {
            return vectorOp(chipSpec);
        }
        String text = op.equals("gemv") && shape.split("x").length == 2 ? "1x" + shape : shape;
        int[] dims = MatMul.parseShape(text).orElseThrow(() -> new OutputException("--shape " + shape + ": expected "
                + "MxKxN with positive whole numbers, e.g. 2304x4096x4096", null));
        if (op.equals("gemv") && dims[0] != 1) {
            throw new OutputException("--shape " + shape + ": a gemv has M = 1 (use --op matmul)", null);
        }
        DataType type = switch (dtype) {
            case "fp16", "f16" -> DataType.F16;
            case "int8", "i8" -> DataType.I8;
            default -> throw new OutputException("--dtype " + dtype + ": expected fp16 or int8", null);
        };
        MatMul problem = new MatMul(dims[0], dims[1], dims[2], type);
        if (sys != null) {
            if (output != null) {
                throw new OutputException("--output writes one chip's program; with --system use 'lockstep sim' on "
                        + "hand-written programs, or drop --output", null);
            }
            return TensorParallelCommand.run(sys, system.parallelism(), options(), problem, op, dtype, changes, json,
                    spec.commandLine().getOut());
        }
        long t0 = System.nanoTime();
        CompiledKernel kernel;
        try {
            kernel = MatMulCompiler.compile(chipSpec, problem, null, null, options());
        } catch (CompileException e) {
            throw new OutputException(problem + ": " + e.getMessage(), e);
        }
        double compileSeconds = (System.nanoTime() - t0) / 1e9;
        report(chipSpec, kernel, problem.toString(), problem.m() + "x" + problem.k() + "x" + problem.n(),
                type == DataType.F16 ? "fp16" : "int8", compileSeconds);
        return 0;
    }

    /** A VXM op on one row of C values: compiled from a vector graph with seeded random inputs. */
    private Integer vectorOp(ChipSpec chipSpec) {
        String c = shape.startsWith("1x") ? shape.substring(2) : shape;
        if (!c.matches("[0-9]{1,6}") || Integer.parseInt(c) < 1) {
            throw new OutputException("--shape " + shape + ": " + op + " takes the row length C (or 1xC), a whole "
                    + "number from 1 to 999999", null);
        }
        int n = Integer.parseInt(c);
        if (!dtype.equals("fp16") && !dtype.equals("f16")) {
            throw new OutputException("--dtype " + dtype + ": " + op + " computes in f32 (the activation type); "
                    + "leave --dtype out", null);
        }
        long t0 = System.nanoTime();
        VectorGraph g = new VectorGraph(chipSpec.vectorBytes());
        SplittableRandom r = new SplittableRandom(1);
        double[] a = r.doubles(n, -1, 1).toArray();
        double[] b = r.doubles(n, -1, 1).toArray();
        List<VectorGraph.Ref> x = op.equals("route") ? List.of()
                : VectorKernels.row(g, a, op.equals("softmax") ? Double.NEGATIVE_INFINITY : 0);
        List<VectorGraph.Ref> y = op.equals("route") ? List.of() : VectorKernels.row(g, b, 0);
        List<VectorGraph.Ref> out = switch (op) {
            case "add" -> VectorKernels.elementwise(g, Opcode.VADD, x, y);
            case "multiply" -> VectorKernels.elementwise(g, Opcode.VMUL, x, y);
            case "silu" -> VectorKernels.silu(g, x);
            case "swiglu" -> VectorKernels.swiglu(g, x, y);
            case "rmsnorm" -> VectorKernels.rmsnorm(g, x, y, n, 1e-5f);
            case "softmax" -> VectorKernels.softmax(g, x);
            case "rope" -> {
                if (headDim < 2 || headDim % 2 != 0 || headDim > chipSpec.vectorBytes() || n % headDim != 0) {
                    throw new OutputException("--op rope takes an even --head-dim of at most "
                            + chipSpec.vectorBytes() + " that divides --shape", null);
                }
                yield VectorKernels.rope(g, x, n, headDim, 1, 10000.0);
            }
            case "route" -> {
                if (n > chipSpec.vectorBytes() || topK < 1 || topK > n) {
                    throw new OutputException("--op route takes at most " + chipSpec.vectorBytes() + " experts "
                            + "(--shape) and 1 <= --top-k <= experts", null);
                }
                yield List.of(VectorKernels.topK(g, g.input(a, Double.NEGATIVE_INFINITY), VectorKernels.laneIndex(g),
                        topK));
            }
            default -> throw new IllegalStateException(op);
        };
        g.output("y", out);
        CompiledKernel kernel;
        try {
            kernel = VectorCompiler.compile(chipSpec, g, options());
        } catch (CompileException e) {
            throw new OutputException(op + " of " + n + " values: " + e.getMessage(), e);
        }
        report(chipSpec, kernel, op + " of 1x" + n + " f32", "1x" + n, "f32", (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /** A block of a model's decode step on one chip, as lockstep run places it. */
    private Integer block(ChipSpec chipSpec) {
        ModelConfig m = ModelConfigs.presetOrFile(model);
        Precision w;
        try {
            w = Precision.parse(dtype);
        } catch (IllegalArgumentException e) {
            throw new OutputException("--dtype " + dtype + ": " + e.getMessage(), null);
        }
        if (context < 1 || context > 1 << 20) {
            throw new OutputException("--context must be 1..1048576 tokens, got " + context, null);
        }
        long t0 = System.nanoTime();
        CompiledKernel k;
        String title;
        try {
            if (op.equals("attention") && columns != null) {
                throw new OutputException("--columns applies to --op moe-block, not attention", null);
            }
            if (op.equals("attention")) {
                k = BlockCompiler.attention(m, w, context, chipSpec);
                title = m.name() + " attention, one KV group, " + m.cachedTokens(context) + " cached tokens";
            } else {
                int cols = columns != null ? columns : defaultColumns(m, w, chipSpec);
                if (cols < 1 || cols > m.intermediate()) {
                    throw new OutputException("--columns must be 1.." + m.intermediate() + ", got " + cols, null);
                }
                k = BlockCompiler.moe(m, w, cols, chipSpec);
                title = m.name() + (m.moe() ? " MoE block: router and " : " feed-forward: ") + cols + " columns";
            }
        } catch (CompileException e) {
            throw new OutputException(op + " of " + m.name() + ": " + e.getMessage(), e);
        }
        report(chipSpec, k, title, m.name(), w.text(), (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /**
     * The columns one layer chip holds in lockstep run's default partition (3 sequences, context 4096, tsp-576; the
     * model's fewest chips if it needs more), at most one expert's.
     */
    private static int defaultColumns(ModelConfig m,
                                      Precision w, ChipSpec chip) {
        DecodePlan plan;
        try {
            plan = DecodePlan.forChips(m, w, 3, 4096, chip, 576, 8);
        } catch (DecodePlan.TooFewChips e) {
            plan = e.minimal();
        } catch (DecodePlan.NoPlanFits e) {
            throw new OutputException(m.name() + ": " + e.getMessage() + "; give --columns", e);
        }
        long columns = (long) m.experts() * m.intermediate();
        return (int) Math.min(m.intermediate(), (columns + plan.chipsPerLayer() - 1) / plan.chipsPerLayer());
    }

    private ScheduleOptions options() {
        return new ScheduleOptions(!noWeightOverlap, !noRowSplit, !noChaining);
    }

    private void report(ChipSpec chipSpec, CompiledKernel kernel, String title, String shapeText, String typeText,
                        double compileSeconds) {
        long t1 = System.nanoTime();
        SimResult sim = Verified.simulate(chipSpec, kernel.program(), SimOptions.timingOnly(),
                kernel.predictedCycles(), title);
        double simSeconds = (System.nanoTime() - t1) / 1e9;
        if (output != null) {
            byte[] bytes = output.toString().endsWith(".lsb") ? LsbWriter.encode(kernel.program())
                    : new Disassembler(chipSpec).text(kernel.program()).getBytes(StandardCharsets.UTF_8);
            Outputs.write(output, bytes);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode o = Outputs.json();
            o.put("op", op);
            o.put("shape", shapeText);
            o.put("dtype", typeText);
            o.put("chip", chipSpec.name());
            ParamEcho.json(o, changes);
            o.put("predicted_cycles", kernel.predictedCycles());
            o.put("simulated_cycles", sim.cycles());
            o.put("lower_bound_cycles", kernel.lowerBoundCycles());
            o.put("lower_bound", kernel.boundReason());
            o.put("efficiency", kernel.efficiency());
            o.put("mxm_utilization", kernel.mxmUtilization());
            o.put("instructions", sim.instructions());
            o.put("trace_hash", TraceHash.hex(sim.traceHash()));
            o.put("compile_seconds", compileSeconds);
            o.put("simulate_seconds", simSeconds);
            out.print(Outputs.text(o));
        } else {
            out.printf("op                 %s%n", title);
            ParamEcho.text(out, 19, changes);
            out.printf("predicted cycles   %d (%.1f us at %.0f MHz)%n", kernel.predictedCycles(),
                    kernel.predictedCycles() / (double) chipSpec.clockHz() * 1e6, chipSpec.clockHz() / 1e6);
            out.printf("simulated cycles   %d (exactly as predicted)%n", sim.cycles());
            out.printf("lower bound        %d (%s)%n", kernel.lowerBoundCycles(), kernel.boundReason());
            out.printf("efficiency         %.1f%% of the bound%n", 100 * kernel.efficiency());
            if (kernel.macs() > 0) {
                out.printf("mxm utilisation    %.1f%% of peak%n", 100 * kernel.mxmUtilization());
            }
            out.printf("instructions       %d%n", sim.instructions());
            out.printf("trace hash         %s%n", TraceHash.hex(sim.traceHash()));
            out.printf("compile / simulate %.3f s / %.3f s%n", compileSeconds, simSeconds);
        }
        out.flush();
    }
}
