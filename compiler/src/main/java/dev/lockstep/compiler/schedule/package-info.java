// SPDX-License-Identifier: Apache-2.0
/**
 * The scheduler's bookkeeping: a {@link dev.lockstep.compiler.schedule.ReservationTable} of queue slots, resource
 * instances, stream segments and SRAM slice windows, all sized by the ISA table and the chip description.
 */
package dev.lockstep.compiler.schedule;
