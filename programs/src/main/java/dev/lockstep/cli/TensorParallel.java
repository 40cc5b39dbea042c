// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.compiler.CompileException;
import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.MatMul;
import dev.lockstep.compiler.ScheduleOptions;
import dev.lockstep.compiler.matmul.MatMulCompiler;
import dev.lockstep.compiler.system.ChipPath;
import dev.lockstep.compiler.system.Collectives;
import dev.lockstep.compiler.system.Exchange;
import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.SimResult;
import dev.lockstep.sim.SystemSimulator;
import dev.lockstep.sim.TraceHash;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code lockstep compile --op matmul|gemv --system S}: the product split by columns over the chips of the
 * system's first node (N tiles dealt out evenly), each chip's share compiled and placed at cycle 0, then an
 * all-gather of the result columns over the node's links; simulated on the system.
 */
final class TensorParallel {
    private final SystemSpec system;
    private final SystemSimulator.Parallelism parallelism;
    private final ScheduleOptions options;
    private final boolean json;
    private final PrintWriter out;

    TensorParallel(SystemSpec system, SystemSimulator.Parallelism parallelism, ScheduleOptions options, boolean json,
                   PrintWriter out) {
        this.system = system;
        this.parallelism = parallelism;
        this.options = options;
        this.json = json;
        this.out = out;
    }

    int run(MatMul problem, String op, String dtype) {
        long t0 = System.nanoTime();
        SystemBuild b = new SystemBuild(system);
        List<Integer> node = new ChipPath(b.topology()).segments(0, system.chipsPerNode()).get(0);
        int lanes = system.chip().vectorBytes();
        int tiles = (problem.n() + lanes - 1) / lanes;
        // an all-gather has every chip send to every other in one exchange: at most 8 chips (7 send lanes each)
        int chips = Math.min(Math.min(node.size(), 8), tiles);
        int perChip = (tiles + chips - 1) / chips;
        long kernelEnd = 0;
        long kernelBound = 0;
        int[] words = new int[chips];
        List<Integer> members = new ArrayList<>();
        for (int i = 0; i < chips; i++) {
            int cols = Math.min(problem.n() - i * perChip * lanes, perChip * lanes);
            if (cols <= 0) {
                break;
            }
            int c = node.get(i);
            members.add(c);
            CompiledKernel k;
            try {
                k = MatMulCompiler.compile(system.chip(), new MatMul(problem.m(), problem.k(), cols, problem.dtype()),
                        null, null, options, b.chip(c).sram());
            } catch (CompileException e) {
                throw new OutputException(problem + " over " + (members.size()) + " chips, " + cols + " columns each: "
                        + e.getMessage(), e);
            }
            kernelEnd = Math.max(kernelEnd, b.chip(c).place(k, 0));
            kernelBound = Math.max(kernelBound, k.lowerBoundCycles());
            // each row's results: one f32 / i32 vector per 320 columns, 4 byte planes
            words[i] = problem.m() * ((cols + lanes - 1) / lanes) * problem.resultType().bytes();
        }
        long end = new Collectives(b).allGather(members, java.util.Arrays.copyOf(words, members.size()), kernelEnd);
        long exchanges = b.exchanges();
        long bound = kernelBound + exchanges * Exchange.minimumCycles(b);
        double compileSeconds = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        SimResult sim = SystemSimulator.run(system, b.toProgram(), SimOptions.timingOnly(), parallelism);
        double simSeconds = (System.nanoTime() - t1) / 1e9;
        if (sim.cycles() != end) {
            throw new IllegalStateException("the compiler predicted " + end + " cycles but the simulator took "
                    + sim.cycles());
        }
        if (json) {
            ObjectNode o = Outputs.json();
            o.put("op", op);
            o.put("shape", problem.m() + "x" + problem.k() + "x" + problem.n());
            o.put("dtype", dtype);
            o.put("system", system.name());
            o.put("chips", members.size());
            o.put("predicted_cycles", end);
            o.put("simulated_cycles", sim.cycles());
            o.put("kernel_cycles", kernelEnd);
            o.put("all_gather_cycles", end - kernelEnd);
            o.put("lower_bound_cycles", bound);
            o.put("instructions", sim.instructions());
            o.put("trace_hash", TraceHash.hex(sim.traceHash()));
            o.put("note", "the gathered columns move between link staging buffers at exact cycles; they are not yet "
                    + "wired into the kernels' result regions");
            o.put("compile_seconds", compileSeconds);
            o.put("simulate_seconds", simSeconds);
            out.print(Outputs.text(o));
        } else {
            out.printf("op                 %s split by columns over %d chips of %s%n", problem, members.size(),
                    system.name());
            out.printf("predicted cycles   %d (%.1f us at %.0f MHz): each chip's share %d, all-gather %d%n", end,
                    end / (double) system.chip().clockHz() * 1e6, system.chip().clockHz() / 1e6, kernelEnd,
                    end - kernelEnd);
            out.printf("simulated cycles   %d (exactly as predicted)%n", sim.cycles());
            out.printf("lower bound        %d (the largest share's bound + %d exchange(s) at their least)%n", bound,
                    exchanges);
            out.printf("instructions       %d%n", sim.instructions());
            out.printf("trace hash         %s%n", TraceHash.hex(sim.traceHash()));
            out.printf("compile / simulate %.3f s / %.3f s%n", compileSeconds, simSeconds);
            out.printf("note               the gathered columns move between link staging buffers at exact cycles; "
                    + "they are not yet wired into the kernels' result regions (docs/model.md)%n");
        }
        out.flush();
        return 0;
    }
}
