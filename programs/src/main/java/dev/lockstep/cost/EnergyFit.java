// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cost;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.MatMul;
import dev.lockstep.compiler.matmul.MatMulCompiler;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.run.Verified;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.SimResult;

/**
 * The only fitted values of the energy model. A chip's static power: the published 215 W TDP less the dynamic power
 * the model gives the chip's heaviest compiled workload (the fp16 GEMM [2304 x 4096] x [4096 x 4096] at 96 % of the
 * MXM's peak, as {@code lockstep compile --op matmul} builds it). A server's hosts: the published 3.2 kW per 8-chip
 * server (230 kW over 72 servers) less its chips at TDP. The published 185 W average is then a held-out check.
 */
public final class EnergyFit {
    /** The published thermal design power per chip (GroqChip product brief, quoted second-hand; tsp-facts.md). */
    public static final double TDP_W = 215;
    /** The published average power per chip (the same brief): held out, never fitted to. */
    public static final double AVERAGE_W = 185;
    /** A server's published power with its hosts: SemiAnalysis's 230 kW for 72 servers. */
    public static final double SERVER_W = 230_000.0 / 72;
    /** The fit's workload. */
    public static final MatMul WORKLOAD = new MatMul(2304, 4096, 4096, DataType.F16);

    private EnergyFit() {
    }

    /**
     * What the fit found.
     *
     * @param workloadCycles the workload's simulated cycles
     * @param dynamicW       the model's dynamic power on it
     * @param staticW        TDP less that
     * @param hostW          a server's published power less its chips at TDP
     */
    public record Fit(long workloadCycles, double dynamicW, double staticW, double hostW) {
    }

    /** Compiles and simulates the workload on {@code chip} and fits the static and host powers of {@code model}. */
    public static Fit fit(EnergyModel model, ChipSpec chip, int chipsPerServer) {
        CompiledKernel k = MatMulCompiler.compile(chip, WORKLOAD);
        SimResult r = Verified.simulate(chip, k.program(), SimOptions.timingOnly(), k.predictedCycles(),
                WORKLOAD.toString());
        double seconds = r.cycles() / (double) chip.clockHz();
        double dynamic = model.joules(r.activities(0), chip) / seconds;
        return new Fit(r.cycles(), dynamic, TDP_W - dynamic, SERVER_W - chipsPerServer * TDP_W);
    }
}
