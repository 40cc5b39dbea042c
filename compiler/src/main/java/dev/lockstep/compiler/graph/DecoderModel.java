// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.graph;

import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.config.Precision;
import dev.lockstep.compiler.graph.LayerStep.Argmax;
import dev.lockstep.compiler.graph.LayerStep.Exchange;
import dev.lockstep.compiler.graph.LayerStep.ExchangeKind;
import dev.lockstep.compiler.graph.LayerStep.Lookup;
import dev.lockstep.compiler.graph.LayerStep.Norm;
import dev.lockstep.compiler.graph.LayerStep.Payload;
import dev.lockstep.compiler.graph.LayerStep.Product;
import dev.lockstep.compiler.graph.LayerStep.Split;
import dev.lockstep.compiler.graph.LayerStep.Where;
import java.util.List;

/**
 * A whole decoder-only model: the embedding lookup, {@code layers} copies of one {@link DecoderLayer}, and the head
 * (final norm, LM head, the greedy choice). The embedding and head are stages of their own, with the same step kinds
 * as a layer.
 *
 * @param model     the model's hyper-parameters
 * @param embedding the lookup: token ids to the table's chips, each chip's row read where the id says, the rows
 *                  summed into the last of them
 * @param layer     every layer
 * @param head      final norm, the LM head's columns and their largest logit, the choice gathered into the last chip
 */
public record DecoderModel(ModelConfig model, List<LayerStep> embedding, DecoderLayer layer, List<LayerStep> head) {
    public DecoderModel {
        embedding = List.copyOf(embedding);
        head = List.copyOf(head);
    }

    /** The model of {@code m}. */
    public static DecoderModel of(ModelConfig m) {
        List<LayerStep> embedding = List.of(
                new Exchange(ExchangeKind.BROADCAST, Where.EVERY_CHIP, Payload.TOKEN_ID),
                new Lookup(Where.EVERY_CHIP),
                new Exchange(ExchangeKind.REDUCE_TO_LAST, Where.EVERY_CHIP, Payload.HIDDEN_ROW));
        List<LayerStep> head = List.of(
                new Exchange(ExchangeKind.SEND_IN, Where.FIRST_CHIP, Payload.HIDDEN_ROW),
                new Norm(Where.FIRST_CHIP, Tensor.FINAL_NORM),
                new Exchange(ExchangeKind.BROADCAST, Where.EVERY_CHIP, Payload.NORMED_ROW),
                new Product(Where.EVERY_CHIP, Tensor.LM_HEAD, m.hidden(), m.vocab(), Split.VOCAB_COLUMNS),
                new Argmax(Where.EVERY_CHIP),
                new Exchange(ExchangeKind.REDUCE_TO_LAST, Where.EVERY_CHIP, Payload.CHOICE));
        return new DecoderModel(m, embedding, DecoderLayer.of(m), head);
    }

    /**
     * Every weight of the model: the layers' and the head's (folds over their steps) and the embedding table, which
     * a tied LM head shares.
     */
    public long parameters() {
        long shared = model.tiedEmbeddings() ? tableParameters() : 0;
        return model.layers() * layer.parameters() + DecoderLayer.parameters(model, head) + tableParameters()
                - shared;
    }

    /** The embedding table's weights (the LM head's too, when tied). */
    public long tableParameters() {
        return (long) model.vocab() * model.hidden();
    }

    /** Bytes of the embedding table (and of the LM head, which has its shape) stored as {@code w}. */
    public long tableBytes(Precision w) {
        return DecoderLayer.matrixBytes(w, model.vocab(), model.hidden());
    }
}
