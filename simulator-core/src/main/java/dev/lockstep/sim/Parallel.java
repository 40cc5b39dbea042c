// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/** Runs independent tasks of a system simulation, on a pool if there is one; results always in task order. */
final class Parallel {
    private Parallel() {
    }

    /** Runs the tasks, on the pool if there is one (else one after another); their results in task order. */
    static <T> List<T> invoke(ExecutorService pool, List<Callable<T>> tasks) {
        List<T> out = new ArrayList<>();
        if (pool == null) {
            for (Callable<T> t : tasks) {
                try {
                    out.add(t.call());
                } catch (Exception e) {
                    throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
                }
            }
            return out;
        }
        try {
            for (Future<T> f : pool.invokeAll(tasks)) {
                out.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("simulation interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error err) {
                // out of memory, say: as if it had happened on the caller's thread
                throw err;
            }
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
        return out;
    }
}
