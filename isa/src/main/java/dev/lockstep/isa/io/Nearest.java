// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.io;

import java.util.Collection;
import java.util.Optional;

/** Finds the nearest known word to a misspelt one, for "did you mean" hints. */
public final class Nearest {
    private Nearest() {
    }

    /**
     * The candidate with the smallest edit distance to {@code word}, if that distance is small enough to be a
     * plausible typo (at most a third of the word's length, and at least 1 allowed). Ties go to the first
     * candidate in iteration order, so callers pass an ordered collection.
     */
    public static Optional<String> to(String word, Collection<String> candidates) {
        if (word.length() > 64) {
            return Optional.empty();
        }
        int limit = Math.max(1, (word.length() + 2) / 3);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            if (Math.abs(candidate.length() - word.length()) > limit) {
                continue;
            }
            int d = distance(word, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        int allowed = Math.max(1, (word.length() + 2) / 3);
        return best != null && bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    /** A " (did you mean X?)" suffix, or empty text. */
    public static String hint(String word, Collection<String> candidates) {
        return to(word, candidates).map(c -> " (did you mean '" + c + "'?)").orElse("");
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
