// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/** Runs a sweep's points, several at once, and returns their rows in point order (whatever order they finish in). */
public final class SweepRun {
    /** Runs one point: its row, a failed one if the run refused it. */
    @FunctionalInterface
    public interface PointRunner {
        Row run(Grid.Point point);
    }

    private SweepRun() {
    }

    /**
     * Runs {@code points} on {@code jobs} threads; {@code progress} hears a line with a bar as each finishes.
     */
    public static List<Row> run(List<Grid.Point> points, int jobs, PointRunner runner, Consumer<String> progress) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, jobs), r -> {
            Thread t = new Thread(r, "lockstep-sweep");
            t.setDaemon(true);
            return t;
        });
        int[] done = {0};
        try {
            List<Future<Row>> futures = new ArrayList<>();
            for (Grid.Point p : points) {
                futures.add(pool.submit(() -> {
                    long t0 = System.nanoTime();
                    Row row = runner.run(p);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    synchronized (done) {
                        done[0]++;
                        progress.accept(String.format("%s %d/%d %s: %s (%.1f s)", bar(done[0], points.size()),
                                done[0], points.size(), p.label(), summary(row), seconds));
                    }
                    return row;
                }));
            }
            List<Row> rows = new ArrayList<>();
            for (Future<Row> f : futures) {
                rows.add(f.get());
            }
            return rows;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static String bar(int done, int all) {
        int width = 20;
        int filled = (int) ((long) done * width / all);
        return "[" + "#".repeat(filled) + "-".repeat(width - filled) + "]";
    }

    private static String summary(Row row) {
        return row.figures().map(f -> String.format("%.1f tokens/s per user, %s, %.2f J per token",
                f.tokensPerSecondPerUser(), f.cost().map(c -> String.format("$%.2f per million tokens",
                        c.usdPerMillion())).orElse("not priced"), f.joulesPerToken()))
                .orElseGet(() -> "failed: " + row.error().orElseThrow());
    }
}
