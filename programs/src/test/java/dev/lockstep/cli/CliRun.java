// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;

/** The command line run in-process, as the tests drive it: what it printed on each stream and its exit code. */
final class CliRun {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CliRun() {
    }

    /** What one run printed and returned. */
    record Result(int exit, String out, String err) {
        /** Standard output as the JSON object a {@code --json} run prints. */
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }
    }

    /** Runs {@code lockstep ARGS}. */
    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(exit, out.toString(), err.toString());
    }
}
