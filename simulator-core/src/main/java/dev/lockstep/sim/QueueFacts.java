// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import dev.lockstep.isa.program.QueueProgram;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What deduplication learns of a queue once for every chip that runs it shifted in time (a pipeline's layers share
 * their queues' stored instructions: {@link QueueProgram#storage}): whether any of its words names a link, and, for
 * a queue that names none, its part of a chip's key counted from the chip's first issue. Shared by the threads that
 * make the keys; a value is the same whichever thread makes it.
 */
final class QueueFacts {
    private record At(Object storage, long fromBase) {
    }

    private final ConcurrentHashMap<Object, Boolean> links = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<At, Integer> hashes = new ConcurrentHashMap<>();

    /** Whether a word of {@code q} is a SEND, RECV or FWD (their links are renumbered per chip). */
    boolean namesLinks(QueueProgram q) {
        return links.computeIfAbsent(q.storage(), s -> {
            for (int i = 0; i < q.storedSize(); i++) {
                if (LinkLabels.isLink(q.storedWord(i))) {
                    return true;
                }
            }
            return false;
        });
    }

    /** Whether {@code a} at {@code aBase} and {@code b} at {@code bBase} are one queue naming no link, shifted. */
    boolean sameWithoutLinks(QueueProgram a, long aBase, QueueProgram b, long bBase) {
        return a.cycle(0) - aBase == b.cycle(0) - bBase && a.storage().equals(b.storage()) && !namesLinks(a);
    }

    /** The hash of queue {@code q} counted from {@code base}, its links renumbered by {@code labels}. */
    int hash(QueueProgram q, long base, LinkLabels labels) {
        if (namesLinks(q)) {
            return hashOf(q, base, labels);
        }
        return hashes.computeIfAbsent(new At(q.storage(), q.cycle(0) - base), at -> hashOf(q, base, labels));
    }

    private static int hashOf(QueueProgram q, long base, LinkLabels labels) {
        int h = q.queueId();
        h = h * 31 + Arrays.hashCode(q.shape(base));
        for (int i = 0; i < q.storedSize(); i++) {
            h = h * 31 + Long.hashCode(labels.canonical(q.storedWord(i)));
            h = h * 31 + Long.hashCode(q.storedCycle(i, base));
        }
        return h;
    }
}
