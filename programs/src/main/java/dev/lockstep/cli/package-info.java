// SPDX-License-Identifier: Apache-2.0
/**
 * The {@code lockstep} command line (picocli). Every subcommand has {@code --help}; exit code 0 on success, 1 on
 * bad input with one {@code error: FILE:LINE:COL: ...} line on stderr, 2 on a usage error, 3 on an internal error.
 * Stack traces only with {@code --debug}.
 */
package dev.lockstep.cli;
