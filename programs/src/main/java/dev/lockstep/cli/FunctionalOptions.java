// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code lockstep run}'s options for {@code --functional} runs: the checkpoint, the prompt, what to generate. */
final class FunctionalOptions {
    @Option(names = "--checkpoint", paramLabel = "DIR", description = "With --functional: a Hugging Face checkpoint "
            + "directory (config.json and model.safetensors; F16, BF16 or F32 tensors).")
    Path checkpoint;

    @Option(names = "--prompt", paramLabel = "IDS", description = "With --functional: the prompt's token ids, e.g. "
            + "1,17,300.")
    String prompt;

    @Option(names = "--tokens", paramLabel = "N", description = "With --functional: tokens to generate. Default: 1.")
    Integer tokens;

    @Option(names = "--chips-per-layer", paramLabel = "N", description = "With --functional: chips each layer takes, "
            + "all in one node (attention on as many of them as divide the KV heads; the normed rows cross among them "
            + "in fp16, their partial sums are added on one). Default: 1.")
    Integer chipsPerLayer;

    @Option(names = "--logits-out", paramLabel = "FILE.npy", description = "With --functional: write the logits of "
            + "every generated token as a float32 .npy of shape [N, vocab].")
    Path logitsOut;

    /** The first of these options given, if any (they go with --functional only). */
    Optional<String> anyGiven() {
        return checkpoint != null ? Optional.of("--checkpoint") : prompt != null ? Optional.of("--prompt")
                : logitsOut != null ? Optional.of("--logits-out") : tokens != null ? Optional.of("--tokens")
                : chipsPerLayer != null ? Optional.of("--chips-per-layer") : Optional.empty();
    }
}
