// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.program;

/** A named constant ({@code .equ}), kept in the program so that disassembly shows it again. */
public record Constant(String name, long value) {
}
