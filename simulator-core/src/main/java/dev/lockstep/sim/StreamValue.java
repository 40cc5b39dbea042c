// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

/**
 * What one stream register carries: the issue that produced it (its sequence number in issue order) and, in
 * functional mode, the bytes (one per lane); null in timing-only mode.
 */
public record StreamValue(long producer, byte[] data) {
}
