// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.graph.LayerStep.Where;

/**
 * A stage of a plan: the chips at path positions [start, start + count), of which the first {@code attentionChips} do
 * attention (a layer's; the head and the embedding table have none).
 *
 * @param kind           what the stage is
 * @param start          the stage's first path position
 * @param count          its chips
 * @param attentionChips the first of them that do attention
 */
record PlanStage(Kind kind, int start, int count, int attentionChips) {
    /** What a stage is: the embedding table, a layer or the head. */
    enum Kind {
        TABLE, LAYER, HEAD
    }

    /** Layer {@code l}'s chips. */
    static PlanStage layer(DecodePlan plan, int l) {
        return new PlanStage(Kind.LAYER, plan.layerStart(l), plan.chipsPerLayer(), plan.attentionChips());
    }

    /** The head's chips. */
    static PlanStage head(DecodePlan plan) {
        return new PlanStage(Kind.HEAD, plan.headStart(), plan.headChips(), 0);
    }

    /** The chips of the embedding table: its own, or the head's when the table is tied to the LM head. */
    static PlanStage table(DecodePlan plan) {
        return plan.embeddingChips() > 0 ? new PlanStage(Kind.TABLE, 0, plan.embeddingChips(), 0)
                : new PlanStage(Kind.TABLE, plan.headStart(), plan.chips() - plan.headStart(), 0);
    }

    /** How many of its chips a step on {@code where} takes. */
    int chips(Where where) {
        return switch (where) {
            case ATTENTION_CHIPS -> attentionChips;
            case FIRST_CHIP -> 1;
            case EVERY_CHIP -> count;
        };
    }
}
