// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.bench;

import dev.lockstep.isa.asm.Assembler;
import dev.lockstep.isa.asm.Disassembler;
import dev.lockstep.isa.binary.LsbReader;
import dev.lockstep.isa.binary.LsbWriter;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import dev.lockstep.isa.program.Program;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding, decoding, assembling and disassembling a program: one MEM read train per MEM queue, each followed by
 * {@code perQueue - 1} single reads, on the tsp-v1 chip.
 *
 * <p>How to run: {@code mvn -B -DskipTests package && java -jar benchmarks/target/benchmarks.jar
 * ProgramCodecBenchmark -f 1 -wi 2 -i 3}. Divide {@code perQueue x 88} by the time to get instructions per
 * second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ProgramCodecBenchmark {
    @Param({"100", "10000"})
    int perQueue;

    private ChipSpec chip;
    private Program program;
    private byte[] binary;
    private String text;

    @Setup
    public void setup() {
        chip = ChipSpecs.tspV1();
        program = BenchPrograms.memReads(chip, perQueue);
        binary = LsbWriter.encode(program);
        text = new Disassembler(chip).text(program);
    }

    @Benchmark
    public byte[] encode() {
        return LsbWriter.encode(program);
    }

    @Benchmark
    public Program decode() {
        return LsbReader.decode("bench.lsb", binary, chip);
    }

    @Benchmark
    public Program assemble() {
        return new Assembler(chip).assemble("bench.lsa", text, null);
    }

    @Benchmark
    public String disassemble() {
        return new Disassembler(chip).text(program);
    }
}
