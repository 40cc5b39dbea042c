// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.vector;

import dev.lockstep.isa.Opcode;

/** One VXM instruction of the graph: its opcode and type, its input vectors, its immediate bits and its result. */
record VOp(Opcode opcode, VValue[] inputs, long immediate, VValue output) {
}
