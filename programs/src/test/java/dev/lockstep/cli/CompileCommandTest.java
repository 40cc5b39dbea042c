// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.compiler.MatMul;
import dev.lockstep.compiler.matmul.MatMulCompiler;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.chip.ChipSpecs;
import org.junit.jupiter.api.Test;

/**
 * {@code lockstep compile}: the report of a compiled kernel (the command itself fails if the simulated cycles differ
 * from the compiler's prediction), on one chip and split over a node, and the operations it refuses.
 */
class CompileCommandTest {
    @Test
    void theCompileCommandReportsPredictedAndSimulatedCycles() throws Exception {
        CliRun.Result r = CliRun.run("compile", "--op", "gemv", "--shape", "4096x14336", "--json");
        assertThat(r.exit()).isZero();
        var j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("predicted_cycles")).isEqualTo(j.get("simulated_cycles"));
        assertThat(j.get("lower_bound_cycles").asLong()).isPositive();
        assertThat(j.get("mxm_utilization").asDouble()).isBetween(0.0, 1.0);
        assertThat(j.get("compile_seconds").asDouble()).isPositive();
        CliRun.Result unsupported = CliRun.run("compile", "--op", "conv2d", "--shape", "1x320x320");
        assertThat(unsupported.exit()).isEqualTo(1);
        assertThat(unsupported.err()).startsWith("error: --op conv2d: not supported yet");
        CliRun.Result shaped = CliRun.run("compile", "--op", "attention", "--shape", "1x320x320");
        assertThat(shaped.exit()).isEqualTo(1);
        assertThat(shaped.err()).startsWith("error: --op attention takes --model");
        CliRun.Result norm = CliRun.run("compile", "--op", "rmsnorm", "--shape", "4096", "--json");
        assertThat(norm.exit()).isZero();
        var n = new ObjectMapper().readTree(norm.out());
        assertThat(n.get("predicted_cycles")).isEqualTo(n.get("simulated_cycles"));
        assertThat(CliRun.run("compile", "--op", "softmax", "--shape", "1x2x3").exit()).isEqualTo(1);
    }

    /** A GEMV split by columns over a node, with an all-gather: cycle-exact, the same at 1 and 2 threads. */
    @Test
    void aGemvSplitOverANodeIsCycleExact() throws Exception {
        var mapper = new ObjectMapper();
        CliRun.Result one = CliRun.run("compile", "--op", "gemv", "--shape", "4096x14336", "--system", "node-8",
                "--threads", "1", "--json");
        assertThat(one.exit()).as(one.err()).isZero();
        var j = mapper.readTree(one.out());
        assertThat(j.get("chips").asInt()).isEqualTo(8);
        assertThat(j.get("simulated_cycles")).isEqualTo(j.get("predicted_cycles"));
        assertThat(j.get("kernel_cycles").asLong() + j.get("all_gather_cycles").asLong())
                .isEqualTo(j.get("predicted_cycles").asLong());
        long single = MatMulCompiler.compile(ChipSpecs.tspV1(), new MatMul(1, 4096, 14336, DataType.F16))
                .predictedCycles();
        assertThat(j.get("kernel_cycles").asLong()).isLessThan(single / 7);
        CliRun.Result two = CliRun.run("compile", "--op", "gemv", "--shape", "4096x14336", "--system", "node-8",
                "--threads", "2", "--json");
        assertThat(mapper.readTree(two.out()).get("trace_hash")).isEqualTo(j.get("trace_hash"));
        assertThat(CliRun.run("compile", "--op", "rmsnorm", "--shape", "4096", "--system", "node-8").exit())
                .isEqualTo(1);
    }
}
