// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.vector;

import dev.lockstep.isa.Opcode;

/**
 * One VXM instruction of the graph: its opcode, the values of its type operands (one, or two for {@code vcvt}),
 * its input vectors, its immediate bits and its result.
 */
record VOp(Opcode opcode, long[] types, VValue[] inputs, long immediate, VValue output) {
}
