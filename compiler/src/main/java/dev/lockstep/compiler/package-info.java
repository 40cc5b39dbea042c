// SPDX-License-Identifier: Apache-2.0
/**
 * The static scheduling compiler: tensor-op graphs to cycle-exact VLIW programs. Not built yet (issue 4); the
 * module exists so that the build's shape, and its rule that the compiler depends on the ISA only, hold from the
 * start.
 */
package dev.lockstep.compiler;
