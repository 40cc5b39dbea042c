// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lockstep.isa.io.InputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The frontier, the fits and the merge, on rows made by hand. */
class SweepFilesTest {
    private static final Grid.Sweep SWEEP = Grid.parse(List.of("chips=100,200,400 batch=1,2"), false);

    /** A row whose cost per million tokens is {@code usd} and speed {@code tps}, for point {@code i}. */
    private static Row row(int i, int chips, int batch, double tps, double usd) {
        return new Row(SWEEP.points().get(i), Optional.empty(), Optional.of(new Row.Figures("m", "s", chips, chips,
                batch, "fp16", 4096, 0, tps, tps * batch, OptionalDouble.empty(), 1000, 150, 10, 1,
                Optional.of(new Row.Cost(1000, usd, usd, usd / 0.27)), "00")));
    }

    private static List<Row> rows() {
        // cost = 2 x chips^0.5 for batch 1; the batch-2 points are cheaper and slower
        List<Row> rows = new ArrayList<>();
        int[] chips = {100, 100, 200, 200, 400, 400};
        for (int i = 0; i < 6; i++) {
            int batch = i % 2 + 1;
            rows.add(row(i, chips[i], batch, 1000.0 / batch + chips[i], 2 * Math.sqrt(chips[i]) / batch));
        }
        return rows;
    }

    @Test
    void theFrontierKeepsThePointsNoOtherIsBothCheaperAndFasterThan() {
        List<Row.Figures> ok = new ArrayList<>();
        rows().forEach(r -> ok.add(r.figures().orElseThrow()));
        // costs: b1 20, 28.3, 40; b2 10, 14.1, 20 with speeds b1 1100, 1200, 1400; b2 600, 700, 900: the b2 point
        // at 20 is as cheap as the b1 point at 20 and slower
        assertThat(SweepPlots.frontierOf(ok)).extracting(Row.Figures::tokensPerSecondPerUser)
                .containsExactly(600.0, 700.0, 1100.0, 1200.0, 1400.0);
        ok.add(row(0, 100, 1, 500, 30).figures().orElseThrow());
        assertThat(SweepPlots.frontierOf(ok)).hasSize(5);
    }

    @Test
    void aFitRecoversTheExponentOfCostInChipsPerBatch() {
        List<SweepFits.Fit> fits = SweepFits.fit(rows());
        assertThat(fits).hasSize(2);
        for (SweepFits.Fit f : fits) {
            assertThat(f.points()).isEqualTo(3);
            assertThat(f.exponent()).isCloseTo(0.5, within(1e-12));
            assertThat(f.rSquared()).isCloseTo(1, within(1e-12));
        }
    }

    @Test
    void shardsMergeToTheWholeAndAnythingElseIsRefusedAtItsLine() {
        List<Row> rows = rows();
        List<SweepFiles.ShardFile> files = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            List<Row> mine = new ArrayList<>();
            for (Row r : rows) {
                if (r.point().index() % 2 == i - 1) {
                    mine.add(r);
                }
            }
            SweepFiles.Output o = SweepFiles.shard(SWEEP, i, 2, mine);
            files.add(new SweepFiles.ShardFile(o.name(), new String(o.bytes(), StandardCharsets.UTF_8)));
        }
        assertThat(SweepFiles.merge(files)).isEqualTo(rows);
        String second = files.get(1).text();
        assertThatThrownBy(() -> SweepFiles.merge(List.of(files.get(0), new SweepFiles.ShardFile("b",
                second.replace("\"index\":1,", "\"index\":2,"))))).isInstanceOf(InputException.class)
                .hasMessageContaining("point 2 is not one of shard 2 of 2");
        assertThatThrownBy(() -> SweepFiles.merge(List.of(files.get(0), new SweepFiles.ShardFile("b",
                second.replace("\"status\":\"ok\",", ""))))).isInstanceOf(InputException.class)
                .hasMessageContaining("it needs index, settings and status");
        assertThatThrownBy(() -> SweepFiles.merge(List.of(files.get(0), new SweepFiles.ShardFile("b",
                second.replace("\"model\":\"m\",", ""))))).isInstanceOf(InputException.class)
                .hasMessageContaining("not a row of lockstep sweep");
        assertThatThrownBy(() -> SweepFiles.merge(List.of(files.get(0), new SweepFiles.ShardFile("b",
                second + second.substring(second.indexOf('\n') + 1))))).isInstanceOf(InputException.class)
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> SweepFiles.merge(List.of(files.get(0), new SweepFiles.ShardFile("b",
                "{\"sweep\":\"x\"}\n")))).isInstanceOf(InputException.class)
                .hasMessageContaining("not a shard file");
    }
}
