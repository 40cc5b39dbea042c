// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import dev.lockstep.isa.io.InputException;
import dev.lockstep.run.RunRefused;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code lockstep} command line. Exit codes: 0 success, 1 bad input (one {@code error:} line on stderr),
 * 2 usage error, 3 an internal error (a bug: please report it with the output of {@code --debug}).
 */
@Command(name = "lockstep", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Cycle-accurate simulator and static scheduling compiler for SRAM-only deterministic "
                + "VLIW accelerators (Groq TSP class).",
        subcommands = {RunCommand.class, SensitivityCommand.class, ValidateCommand.class, SimCommand.class,
                CompileCommand.class, AsmCommand.class, DisasmCommand.class, IsaCommand.class, ChipCommand.class,
                TopologyCommand.class, RandomCheckpointCommand.class, TcoCommand.class, SweepCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:bad input (one 'error: FILE:LINE:COL: ...' line on stderr)",
                "2:usage error", "3:internal error (rerun with --debug and report it)"})
public final class Main implements Runnable {
    public static final int EXIT_BAD_INPUT = 1;
    public static final int EXIT_INTERNAL = 3;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "On an error, also print the Java stack trace.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given output streams; returns the exit code (for tests). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        Main main = new Main();
        CommandLine cl = new CommandLine(main);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            boolean debug = parseResult.matchedOption("--debug") != null || anyDebug(parseResult);
            PrintWriter e = commandLine.getErr();
            if (debug) {
                ex.printStackTrace(e);
            }
            if (ex instanceof InputException ie) {
                e.println(ie.toErrorLine());
                return EXIT_BAD_INPUT;
            }
            if (ex instanceof OutputException || ex instanceof RunRefused) {
                e.println("error: " + ex.getMessage());
                return EXIT_BAD_INPUT;
            }
            e.println("error: internal error: " + ex + (debug ? "" : " (rerun with --debug for the stack trace, and "
                    + "please report it)"));
            return EXIT_INTERNAL;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            err.println("error: out of memory: the input is too large for this Java heap (max "
                    + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB); give Java more with "
                    + "LOCKSTEP_JAVA_OPTS=-Xmx16g, or a smaller input");
            return EXIT_BAD_INPUT;
        } catch (StackOverflowError e) {
            err.println("error: internal error: stack overflow (rerun with --debug and report it)");
            if (Arrays.asList(args).contains("--debug")) {
                e.printStackTrace(err);
            }
            return EXIT_INTERNAL;
        }
    }

    private static boolean anyDebug(CommandLine.ParseResult result) {
        for (CommandLine.ParseResult r = result; r != null; r = r.subcommand()) {
            if (r.matchedOption("--debug") != null) {
                return true;
            }
        }
        return false;
    }

    /** Reads the version Maven wrote into the jar. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"lockstep " + p.getProperty("version", "unknown"), "Java "
                    + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
