// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

/**
 * A KV head's cache products on a chip: the K cache (scores), the V cache (weighted sum), or, where the whole V
 * product does not pack into the half of the chip its MXM unit reads from, the V product over the lower or the
 * upper half of the cached tokens.
 */
enum CacheKind {
    K("K"),
    V("V"),
    V_LOW("V (lower half of the cached tokens)"),
    V_HIGH("V (upper half of the cached tokens)");

    private final String text;

    CacheKind(String text) {
        this.text = text;
    }

    /** How messages name it. */
    String text() {
        return text;
    }
}
