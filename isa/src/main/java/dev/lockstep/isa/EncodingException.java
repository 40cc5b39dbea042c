// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa;

/** A 64-bit word that is not a valid instruction of the ISA table. */
public final class EncodingException extends IllegalArgumentException {
    public EncodingException(String message) {
        super(message);
    }
}
