// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sensitivity;

import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.run.DecodeReport;
import dev.lockstep.run.DecodeRequest;
import dev.lockstep.run.DecodeRun;
import dev.lockstep.run.RunRefused;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs the baseline and every parameter halved and doubled ({@link DecodeRun}, timing-only), up to
 * {@code threads} runs at once, and sorts the rows by effect. Each distinct system is run once: the baseline, and a
 * variation equal to it (a value moved back to the baseline) or to another variation, share a run. The results are
 * put in their places by index, so the report does not depend on which run finishes first.
 */
public final class SensitivityRun {
    private SensitivityRun() {
    }

    /**
     * Runs {@code request}; {@code progress} hears one line as each run is done (for stderr).
     *
     * @throws RunRefused if the baseline or a variation cannot be run (the message names the variation)
     */
    public static SensitivityReport run(SensitivityRequest request, Consumer<String> progress) {
        long wall0 = System.nanoTime();
        DecodeRequest base = request.base();
        SystemSpec baseSystem = base.system();
        List<Setting> settings = new ArrayList<>();
        for (Knob k : request.knobs()) {
            long v = k.valueIn(baseSystem);
            settings.add(Setting.of(k, Setting.Change.HALVED, v));
            settings.add(Setting.of(k, Setting.Change.DOUBLED, v));
        }
        // the distinct systems to run, in a fixed order: the baseline first, then each setting's in order
        Map<SystemSpec, Integer> index = new LinkedHashMap<>();
        List<SystemSpec> systems = new ArrayList<>();
        List<List<String>> labels = new ArrayList<>();
        index.put(baseSystem, 0);
        systems.add(baseSystem);
        labels.add(new ArrayList<>(List.of("baseline")));
        int[] runOf = new int[settings.size()];
        for (int i = 0; i < settings.size(); i++) {
            Setting s = settings.get(i);
            SystemSpec sys = s.isBaseline() ? baseSystem : request.variants().with(s.knob(), s.value());
            Integer at = index.get(sys);
            if (at == null) {
                at = systems.size();
                index.put(sys, at);
                systems.add(sys);
                labels.add(new ArrayList<>());
            }
            runOf[i] = at;
            if (at != 0) {
                labels.get(at).add(s.label());
            }
        }
        int workers = Math.min(request.threads(), systems.size());
        int simThreads = Math.max(1, request.threads() / workers);
        Outcome[] outcomes = new Outcome[systems.size()];
        int[] chips = new int[1];
        AtomicInteger done = new AtomicInteger();
        Object lock = new Object();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "sensitivity");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (int i = 0; i < systems.size(); i++) {
                SystemSpec sys = systems.get(i);
                String label = String.join(", ", labels.get(i));
                boolean first = i == 0;
                futures.add(pool.submit(() -> {
                    long t0 = System.nanoTime();
                    DecodeReport r;
                    try {
                        r = DecodeRun.run(new DecodeRequest(base.model(), sys, base.weights(), base.batch(),
                                base.context(), base.chips(), base.prefill(), simThreads, base.dedup()), line -> { });
                    } catch (RunRefused e) {
                        throw new RunRefused((first ? "" : "with " + label + ": ") + e.getMessage(), e);
                    }
                    if (first) {
                        chips[0] = r.decodePlan().chips();
                    }
                    Outcome o = new Outcome(r.cyclesPerToken(), r.tokensPerSecondPerUser());
                    String line = String.format("%d/%d %s: %.1f tokens/s per user (%d cycles per token), %.1f s",
                            done.incrementAndGet(), systems.size(), label, o.tokensPerSecondPerUser(),
                            o.cyclesPerToken(), (System.nanoTime() - t0) / 1e9);
                    synchronized (lock) {
                        progress.accept(line);
                    }
                    return o;
                }));
            }
            for (int i = 0; i < futures.size(); i++) {
                outcomes[i] = get(futures.get(i));
            }
        } finally {
            pool.shutdownNow();
        }
        Outcome baseline = outcomes[0];
        List<SensitivityReport.Row> rows = new ArrayList<>();
        for (int i = 0; i < settings.size(); i += 2) {
            rows.add(new SensitivityReport.Row(settings.get(i).knob(),
                    new SensitivityReport.Point(settings.get(i), outcomes[runOf[i]]),
                    new SensitivityReport.Point(settings.get(i + 1), outcomes[runOf[i + 1]])));
        }
        // stable: a tie keeps the request's order
        rows.sort(Comparator.comparingDouble((SensitivityReport.Row r) -> r.swing(baseline)).reversed());
        return new SensitivityReport(request, chips[0], baseline, rows, systems.size(),
                (System.nanoTime() - wall0) / 1e9);
    }

    private static Outcome get(Future<Outcome> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        }
    }
}
