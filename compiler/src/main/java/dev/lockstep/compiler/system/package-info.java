// SPDX-License-Identifier: Apache-2.0
/**
 * Programs for many chips: {@link dev.lockstep.compiler.system.ChipBuild} lays compiled kernels and link
 * transfers end to end on one chip's timeline and SRAM; {@link dev.lockstep.compiler.system.Exchange} schedules
 * simultaneous transfers between neighbouring chips, conflict-free by construction (each on its own link, SXM
 * queue, stream and staging slice, at exact cycles); {@code MultiPath} carries a transfer between two chips over one
 * or several paths at once that share no chip or link, forwarded (FWD) by the chips on the way without landing
 * there; {@link dev.lockstep.compiler.system.Collectives}
 * builds broadcast, reduce, all-reduce (within a node, and across nodes in three hops; for two nodes in pieces,
 * {@code CablePipeline}, the chips at the cable's ends in several transfers at once) from exchanges, routes and
 * sum kernels, sums a stage's output into the next stage in pieces ({@code ReduceInPieces}) and broadcasts along
 * nodes word by word ({@code RelayBroadcast}, along the segments or over the nodes' cables, {@code RelayTree}; all
 * placed by {@code PieceSchedule}: flows and sums at exact cycles, a chip in several at once on lanes of their own),
 * and reduces along many nodes over their cables ({@code ReduceOverCables}),
 * landing data in SRAM only where a sum reads it or the transfer ends; rows with their values are carried between
 * two chips ({@code MultiPath#carry}) or among a node's chips at once ({@code RowFlows}), read where they lie and
 * written at their place as they pass on the receive lanes' streams;
 * {@link dev.lockstep.compiler.system.SystemBuild} gathers the chips into one
 * {@link dev.lockstep.isa.program.Program}. The parts of a hop and their costs: docs/model.md, "Hops".
 */
package dev.lockstep.compiler.system;
