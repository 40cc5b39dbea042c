// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/** Writing output files, with failures as one-line errors. */
final class Outputs {
    private Outputs() {
    }

    /**
     * Writes a file: a regular file (or a new one) through a temporary sibling and a rename, so that a failed
     * write leaves no half file; anything else that exists and is not a directory (a device, a pipe) directly.
     */
    /** A new JSON object for a command's report. */
    static com.fasterxml.jackson.databind.node.ObjectNode json() {
        return MAPPER.createObjectNode();
    }

    /** The report as indented JSON and a newline: the only thing a {@code --json} command prints on stdout. */
    static String text(com.fasterxml.jackson.databind.JsonNode report) {
        try {
            return MAPPER.writeValueAsString(report) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
            new com.fasterxml.jackson.databind.ObjectMapper()
                    .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);

    static void write(Path file, byte[] bytes) {
        if (Files.isDirectory(file)) {
            throw new OutputException(file + ": is a directory; give a file name", null);
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            try {
                Files.write(file, bytes);
                return;
            } catch (IOException e) {
                throw new OutputException(file + ": cannot write: " + reason(e), e);
            }
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the original failure is the one to report
            }
            throw new OutputException(file + ": cannot write: " + reason(e), e);
        }
    }

    private static String reason(IOException e) {
        String kind = e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2")
                .toLowerCase(Locale.ROOT);
        return kind.isEmpty() || kind.equals("i o") ? String.valueOf(e.getMessage()) : kind + " (" + e.getMessage()
                + ")";
    }

    /** {@code prog.lsa} to {@code prog.lsb}, and the like. */
    static Path withExtension(Path file, String extension) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return file.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + extension);
    }
}
