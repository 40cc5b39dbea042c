// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.MatMul;
import dev.lockstep.compiler.ScheduleOptions;
import dev.lockstep.compiler.matmul.MatMulCompiler;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.system.SystemSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A product split by columns over the chips of a system's first node (N tiles dealt out evenly, at most 8 chips:
 * an all-gather has every chip send to every other in one exchange, 7 send lanes each), each chip's share compiled
 * and placed at cycle 0, then an all-gather of the result columns over the node's links.
 */
public final class TensorParallel {
    private TensorParallel() {
    }

    /**
     * What was built.
     *
     * @param program           every chip's program
     * @param chips             chips the product was split over
     * @param kernelEndCycle    when the last chip's share was done
     * @param predictedEndCycle when the all-gather was done: the program's end
     * @param boundCycles       the largest share's lower bound and every exchange at its least
     * @param exchanges         exchanges of the all-gather
     */
    public record Built(Program program, int chips, long kernelEndCycle, long predictedEndCycle, long boundCycles,
                        long exchanges) {
    }

    /**
     * Compiles {@code problem} split over the first node of {@code system}.
     *
     * @throws CompileException naming the share that does not compile
     */
    public static Built compile(SystemSpec system, MatMul problem, ScheduleOptions options) {
        SystemBuild b = new SystemBuild(system);
        List<Integer> node = new ChipPath(b.topology()).segments(0, system.chipsPerNode()).get(0);
        int lanes = system.chip().vectorBytes();
        int tiles = (problem.n() + lanes - 1) / lanes;
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
                throw new CompileException(problem + " over " + members.size() + " chips, " + cols + " columns each: "
                        + e.getMessage());
            }
            kernelEnd = Math.max(kernelEnd, b.chip(c).place(k, 0));
            kernelBound = Math.max(kernelBound, k.lowerBoundCycles());
            // each row's results: one f32 / i32 vector per 320 columns, 4 byte planes
            words[i] = problem.m() * ((cols + lanes - 1) / lanes) * problem.resultType().bytes();
        }
        long end = new Collectives(b).allGather(members, Arrays.copyOf(words, members.size()), kernelEnd);
        long exchanges = b.exchanges();
        return new Built(b.toProgram(), members.size(), kernelEnd, end,
                kernelBound + exchanges * Exchange.minimumCycles(b), exchanges);
    }
}
