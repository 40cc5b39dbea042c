// SPDX-License-Identifier: Apache-2.0
/**
 * {@code lockstep validate}: every published chip, system and end-to-end figure the model can be compared with
 * ({@link dev.lockstep.validate.Published}), computed by the model on the presets the figures were measured on,
 * with any {@code --chip-param} and {@code --system-param} applied ({@link dev.lockstep.validate.Setup}). Timing
 * figures are compiled and simulated, and each simulation must end where the compiler (or, for the hand-built
 * weight install, the schedule derived from the timing parameters) said. Each row says what agreeing proves
 * ({@link dev.lockstep.validate.Kind}): an input only checks arithmetic, a definitional figure is true by
 * construction, and only held-out rows validate the model. A row is never a reason to change a parameter.
 * {@link dev.lockstep.validate.ValidationDoc} writes docs/validation.md from the rows.
 */
package dev.lockstep.validate;
