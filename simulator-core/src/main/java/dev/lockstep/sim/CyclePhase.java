// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

/**
 * The phases of one cycle, in the order they run (docs/model.md, "Order of events in a cycle"). Every event of the
 * simulation happens at a cycle, in one of these phases; within a phase, events run in the order they were created
 * (issue events in queue-id order).
 */
enum CyclePhase {
    /** SRAM writes (and MXM products, link arrivals) whose latency has elapsed become visible. */
    COMMIT,
    /** Queues issue, in queue-id order. */
    ISSUE,
    /** MXM accumulator reads. */
    ACCESS,
    /** MEM reads access SRAM, and vectors appear on streams. */
    PRODUCE,
    /** Instructions sample their input streams (and compute, in functional mode). */
    CONSUME
}
