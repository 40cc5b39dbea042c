// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.system;

/** Where a link runs; each kind has its own latency parameter in a {@link SystemSpec}. */
public enum LinkKind {
    /** Between two chips of one node (backplane). */
    LOCAL("local"),
    /** Between nodes of one rack (cable). */
    RACK("rack"),
    /** Between racks (cable). */
    INTER_RACK("inter_rack");

    private final String key;

    LinkKind(String key) {
        this.key = key;
    }

    /** The name used in JSON and reports. */
    public String key() {
        return key;
    }
}
