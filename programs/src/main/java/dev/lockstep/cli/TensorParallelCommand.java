// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.compiler.CompileException;
import dev.lockstep.compiler.MatMul;
import dev.lockstep.compiler.ScheduleOptions;
import dev.lockstep.compiler.system.TensorParallel;
import dev.lockstep.isa.io.ParamChange;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.run.Verified;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.SimResult;
import dev.lockstep.sim.SystemSimulator;
import dev.lockstep.sim.TraceHash;
import java.io.PrintWriter;
import java.util.List;

/**
 * {@code lockstep compile --op matmul|gemv --system S}: the product split by columns over the system's first node
 * ({@link TensorParallel}), simulated on the system ({@link Verified}), reported.
 */
final class TensorParallelCommand {
    private TensorParallelCommand() {
    }

    static int run(SystemSpec system, SystemSimulator.Parallelism parallelism, ScheduleOptions options, MatMul problem,
                   String op, String dtype, List<ParamChange> changes, boolean json, PrintWriter out) {
        long t0 = System.nanoTime();
        TensorParallel.Built b;
        try {
            b = TensorParallel.compile(system, problem, options);
        } catch (CompileException e) {
            throw new OutputException(e.getMessage(), e);
        }
        double compileSeconds = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        SimResult sim = Verified.simulate(system, b.program(), SimOptions.timingOnly(), parallelism,
                b.predictedEndCycle(), problem + " over " + b.chips() + " chips");
        double simSeconds = (System.nanoTime() - t1) / 1e9;
        long end = b.predictedEndCycle();
        long kernelEnd = b.kernelEndCycle();
        if (json) {
            ObjectNode o = Outputs.json();
            o.put("op", op);
            o.put("shape", problem.m() + "x" + problem.k() + "x" + problem.n());
            o.put("dtype", dtype);
            o.put("system", system.name());
            ParamEcho.json(o, changes);
            o.put("chips", b.chips());
            o.put("predicted_cycles", end);
            o.put("simulated_cycles", sim.cycles());
            o.put("kernel_cycles", kernelEnd);
            o.put("all_gather_cycles", end - kernelEnd);
            o.put("lower_bound_cycles", b.boundCycles());
            o.put("instructions", sim.instructions());
            o.put("trace_hash", TraceHash.hex(sim.traceHash()));
            o.put("note", "the gathered columns move between link staging buffers at exact cycles; they are not yet "
                    + "wired into the kernels' result regions");
            o.put("compile_seconds", compileSeconds);
            o.put("simulate_seconds", simSeconds);
            out.print(Outputs.text(o));
        } else {
            out.printf("op                 %s split by columns over %d chips of %s%n", problem, b.chips(),
                    system.name());
            ParamEcho.text(out, 19, changes);
            out.printf("predicted cycles   %d (%.1f us at %.0f MHz): each chip's share %d, all-gather %d%n", end,
                    end / (double) system.chip().clockHz() * 1e6, system.chip().clockHz() / 1e6, kernelEnd,
                    end - kernelEnd);
            out.printf("simulated cycles   %d (exactly as predicted)%n", sim.cycles());
            out.printf("lower bound        %d (the largest share's bound + %d exchange(s) at their least)%n",
                    b.boundCycles(), b.exchanges());
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
