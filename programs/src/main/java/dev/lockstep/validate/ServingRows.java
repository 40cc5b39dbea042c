// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.validate;

import dev.lockstep.compiler.config.ModelConfigs;
import dev.lockstep.compiler.config.Precision;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.run.DecodeReport;
import dev.lockstep.run.DecodeRequest;
import dev.lockstep.run.DecodeRun;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The end-to-end figures: tokens per second per user of a model served on 576 chips, from {@link DecodeRun} with
 * {@code lockstep run}'s settings (batch 3, context 4096, every chip of the system).
 */
final class ServingRows {
    static final int BATCH = 3;
    static final int CONTEXT = 4096;

    private ServingRows() {
    }

    /** Runs a model preset's decode step on every chip of {@code system}. */
    static DecodeReport run(String model, Precision weights, SystemSpec system, int threads,
                            Consumer<String> progress) {
        DecodeRequest request = new DecodeRequest(ModelConfigs.presetOrFile(model), system, weights, BATCH, CONTEXT,
                system.chips(), Optional.empty(), threads, true);
        return DecodeRun.run(request, progress);
    }

    static Row mixtral(DecodeReport r) {
        return row(Published.MIXTRAL_576, r, "fp16 weights (the default run; the figure's precision is not "
                + "published)");
    }

    static List<Row> llama70b(DecodeReport r) {
        String precision = "int8 weights (fp16 does not fit on 576 chips: lockstep run --model llama-2-70b refuses "
                + "it; the figure's precision is not published)";
        return List.of(row(Published.LLAMA_70B_MEDIAN, r, precision), row(Published.LLAMA_70B_VENDOR, r, precision));
    }

    private static Row row(Figure f, DecodeReport r, String precision) {
        double tps = r.tokensPerSecondPerUser();
        DecodeReport.TimeShares s = r.timeShares();
        String note = String.format("%s, batch %d, context %d on %d chips of %s; the model's own bound is %.1f "
                        + "tokens/s and compute is %.0f %% of a token (links %.0f %%, modelled with normed rows in "
                        + "fp16 and sums in f32, transfers over up to 7 paths)", precision, BATCH, CONTEXT, r.request().chips(),
                r.request().system().name(), r.boundTokensPerSecondPerUser(), 100 * s.compute(), 100 * s.links());
        if (!f.band().holds(tps, f.published())) {
            note += "; " + why(tps, f.published(), r.boundTokensPerSecondPerUser());
        }
        return Row.of(f, tps, String.format("%.1f tokens/s", tps), note);
    }

    /** Where the difference from a published speed could come from. */
    private static String why(double tps, double published, double bound) {
        if (tps > published) {
            return "above a real system's speed: the figure includes what the model leaves out (hosts and PCIe, "
                    + "sampling, the vendor's software of the time, its batch), the model's unpublished latencies "
                    + "may be optimistic, and the vendor's precision is not published";
        }
        if (bound < published) {
            return "below a real system's speed, so the model is wrong somewhere: its own bound is below the figure "
                    + "too, so it is in its kernels' costs (unpublished LW, IW and unit latencies), not its schedule";
        }
        return "below a real system's speed, so the model is wrong somewhere: its bound is above the figure, so the "
                + "time is lost in its schedule, most likely on the links (sums in f32, and exchanges one after another "
                + "on a chip, where a real system may send fewer bytes and overlap them); otherwise unexplained";
    }
}
