// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa;

/** An operand value that the ISA table does not accept; {@code operandIndex} is -1 when not known. */
public final class OperandException extends IllegalArgumentException {
    private final int operandIndex;

    public OperandException(int operandIndex, String message) {
        super(message);
        this.operandIndex = operandIndex;
    }

    public int operandIndex() {
        return operandIndex;
    }
}
