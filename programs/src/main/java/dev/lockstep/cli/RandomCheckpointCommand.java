// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import dev.lockstep.isa.io.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lockstep random-checkpoint DIR}: a small random model to try {@code run --functional} on. */
@Command(name = "random-checkpoint", mixinStandardHelpOptions = true,
        description = "Write a small random model as a Hugging Face checkpoint (config.json and model.safetensors) "
                + "into DIR, to try 'lockstep run --functional' on: hidden size 320 (or --hidden), 4 heads (2 KV), "
                + "intermediate size equal to the hidden size, vocabulary 400; a Mixtral (top 2 of --experts) or, "
                + "with --experts 1, a Llama.")
final class RandomCheckpointCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "The directory to write (created if missing).")
    Path dir;

    @Option(names = "--layers", paramLabel = "N", defaultValue = "2", description = "Decoder layers (1..16). "
            + "Default: ${DEFAULT-VALUE}.")
    int layers;

    @Option(names = "--experts", paramLabel = "E", defaultValue = "8", description = "Experts per layer (1..64; 1 "
            + "writes a dense Llama). Default: ${DEFAULT-VALUE}.")
    int experts;

    @Option(names = "--hidden", paramLabel = "H", defaultValue = "320", description = "Hidden size (64..1024, a "
            + "multiple of 8: 4 heads of an even size); the intermediate size is the same. Default: "
            + "${DEFAULT-VALUE}.")
    int hidden;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Random seed (the same seed "
            + "writes the same bytes). Default: ${DEFAULT-VALUE}.")
    long seed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (layers < 1 || layers > 16) {
            throw new InputException("--layers", 1, 1, "--layers must be 1..16, got " + layers);
        }
        if (experts < 1 || experts > 64) {
            throw new InputException("--experts", 1, 1, "--experts must be 1..64, got " + experts);
        }
        if (hidden < 64 || hidden > 1024 || hidden % 8 != 0) {
            throw new InputException("--hidden", 1, 1, "--hidden must be a multiple of 8 in 64..1024 (4 heads of an "
                    + "even size), got " + hidden);
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new InputException(dir.toString(), 1, 1, "exists and is not a directory; give a directory");
        }
        try {
            Files.createDirectories(dir);
            new RandomCheckpoint(seed, layers, experts, hidden).write(dir);
        } catch (IOException e) {
            throw new OutputException(dir + ": cannot write: " + e.getMessage(), e);
        }
        spec.commandLine().getErr().printf("lockstep random-checkpoint: wrote %s and %s%n", dir.resolve(
                "config.json"), dir.resolve("model.safetensors"));
        spec.commandLine().getErr().flush();
        return 0;
    }
}
