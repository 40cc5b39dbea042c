// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.validate;

/** What agreeing with a published figure proves. */
public enum Kind {
    /** The figure set a parameter: agreeing proves only the arithmetic. */
    INPUT("input"),
    /** True by construction (e.g. peak TOPS from the MAC count and the clock). */
    DEFINITIONAL("definitional"),
    /** No parameter was set from it: only these rows count as validation. */
    HELD_OUT("held out");

    private final String text;

    Kind(String text) {
        this.text = text;
    }

    /** As printed in the table and the JSON. */
    public String text() {
        return text;
    }
}
