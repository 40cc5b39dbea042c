// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.validate;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.compiler.config.Precision;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.run.DecodeReport;
import dev.lockstep.run.RunRefused;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Every row of {@code lockstep validate}, in the order of {@link Published#ALL}. A figure the model cannot compute
 * for the chip and systems given (a kernel does not compile, the model does not fit, the topology lacks a route)
 * becomes a "not computable" row with the reason; the other rows are still computed.
 */
public final class Validation {
    /** Which rows to compute. */
    public enum Scope {
        /** Every row. */
        ALL,
        /** Every row but the end-to-end ones ({@link Published#END_TO_END}), each a whole decode run. */
        WITHOUT_END_TO_END
    }

    private Validation() {
    }

    /** The rows of {@code scope} on {@code setup}; {@code progress} hears a line per row or group (for stderr). */
    public static List<Row> run(Setup setup, Scope scope, Consumer<String> progress) {
        ChipSpec chip = setup.chip();
        List<Row> rows = new ArrayList<>();
        progress.accept("the chip's arithmetic figures");
        rows.add(ChipRows.peak(chip, DataType.I8));
        rows.add(ChipRows.peak(chip, DataType.F16));
        rows.add(ChipRows.sramBandwidth(chip));
        rows.add(ChipRows.streamBandwidth(chip));
        rows.add(ChipRows.weightRate(chip));
        rows.add(computed(Published.LINK_LATENCY, () -> HopRows.linkLatency(setup.node())));
        progress.accept("one hop on " + setup.node().name());
        rows.add(computed(Published.ONE_HOP, () -> HopRows.oneHop(setup.node())));
        progress.accept("the cold weight install");
        rows.add(computed(Published.WEIGHT_INSTALL, () -> WeightInstall.row(chip)));
        List<Figure> gemms = List.of(Published.GEMM_1376, Published.GEMM_2048, Published.GEMM_3500);
        for (int i = 0; i < gemms.size(); i++) {
            int n = Published.GEMM_N.get(i);
            Figure f = gemms.get(i);
            progress.accept("GEMM 2304x4096x" + n + " fp16: compiling and simulating");
            rows.add(computed(f, () -> GemmRows.row(f, chip, n)));
        }
        progress.accept("the chip's power on the fp16 GEMM");
        rows.add(computed(Published.CHIP_TDP, () -> PowerRows.tdp(chip)));
        progress.accept("the 3-hop all-reduce on " + setup.rack256().name());
        rows.add(computed(Published.ALL_REDUCE_256, () -> HopRows.allReduce(setup.rack256())));
        progress.accept("5 hops on " + setup.largest().name());
        rows.add(computed(Published.FIVE_HOPS, () -> HopRows.farHops(setup.largest())));
        if (scope == Scope.ALL) {
            Consumer<String> run = line -> progress.accept("  " + line);
            progress.accept("Mixtral-8x7B on " + setup.largest().name());
            rows.addAll(computedAll(List.of(Published.MIXTRAL_576, Published.CHIP_AVERAGE_POWER), () -> {
                DecodeReport r = ServingRows.run("mixtral-8x7b", Precision.FP16, setup.largest(), setup.threads(),
                        run);
                return List.of(ServingRows.mixtral(r), PowerRows.average(r));
            }));
            progress.accept("Llama-2-70B (int8) on " + setup.largest().name());
            rows.addAll(computedAll(List.of(Published.LLAMA_70B_MEDIAN, Published.LLAMA_70B_VENDOR), () -> {
                DecodeReport r = ServingRows.run("llama-2-70b", Precision.INT8, setup.largest(), setup.threads(),
                        run);
                return ServingRows.llama70b(r);
            }));
        }
        return List.copyOf(rows);
    }

    private static Row computed(Figure f, Supplier<Row> row) {
        return computedAll(List.of(f), () -> List.of(row.get())).get(0);
    }

    /** The rows, or each of {@code figures} as not computable if the model cannot compute them. */
    private static List<Row> computedAll(List<Figure> figures, Supplier<List<Row>> rows) {
        Function<String, List<Row>> refused = reason -> figures.stream().map(f -> Row.notComputable(f, reason))
                .toList();
        try {
            return rows.get();
        } catch (CompileException | RunRefused | IllegalArgumentException e) {
            return refused.apply(e.getMessage());
        }
    }
}
