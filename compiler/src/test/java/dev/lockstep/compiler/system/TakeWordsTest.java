// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.isa.system.SystemSpecs;
import org.junit.jupiter.api.Test;

/**
 * Words taken for tensors no kernel brings ({@link ChipBuild#takeWords}): at one address in every slice asked for,
 * above what they hold; more than a slice has is a compile error (a model that does not fit), never a bug's exception.
 */
class TakeWordsTest {
    @Test
    void wordsGoAboveWhatTheSlicesHoldAndTooManyAreACompileError() {
        ChipBuild chip = new SystemBuild(SystemSpecs.preset("node-8")).chip(0);
        int first = chip.takeWords(new int[] {40}, 3);
        assertThat(chip.takeWords(new int[] {40, 41}, 2)).as("above slice 40's words").isEqualTo(first + 3);
        int words = chip.sram().ceiling() + 1;
        assertThatThrownBy(() -> chip.takeWords(new int[] {40}, words)).isInstanceOf(CompileException.class)
                .hasMessage("chip 0: no room for " + words + " words in slice 40");
    }
}
