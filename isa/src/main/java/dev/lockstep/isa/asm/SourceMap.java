// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.asm;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where each instruction of an assembled program came from: (chip, queue id, index on the queue) to the line and
 * column of its source line, so that a simulator error can point at the text. Lookup only.
 */
public final class SourceMap {
    private final String file;
    private final Map<Long, int[]> lines = new HashMap<>();

    SourceMap(String file) {
        this.file = file;
    }

    void put(int chip, int queue, int index, int line, int column) {
        lines.put(key(chip, queue, index), new int[] {line, column});
    }

    private static long key(int chip, int queue, int index) {
        return ((long) chip << 48) | ((long) queue << 32) | (index & 0xFFFF_FFFFL);
    }

    public String file() {
        return file;
    }

    /** {line, column} of an instruction, if it came from this file. */
    public Optional<int[]> position(int chip, int queue, int index) {
        int[] at = lines.get(key(chip, queue, index));
        return at == null ? Optional.empty() : Optional.of(at.clone());
    }
}
