package io.livemig.migrator.cli;

import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * Builds the {@code livemig} command line. Bad input of any kind ends with one line on stderr
 * ({@code livemig: ...}, plus where to find help) and exit status 2; nothing else is printed.
 */
public final class Cli {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    private Cli() {}

    /** The command line with every subcommand this module provides; others may add theirs. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new LivemigCommand());
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine failed = ex.getCommandLine();
            PrintWriter err = failed.getErr();
            err.println("livemig: " + oneLine(ex.getMessage()) + " (see '" + failed.getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (ex instanceof UsageException || ex instanceof IllegalArgumentException) {
                err.println("livemig: " + oneLine(ex.getMessage()));
                err.flush();
                return EXIT_USAGE;
            }
            err.println("livemig: " + oneLine(String.valueOf(ex.getMessage())) + " (" + ex.getClass().getSimpleName() + ")");
            err.flush();
            return EXIT_FAILED;
        });
        return cl;
    }

    static String oneLine(String message) {
        return message == null ? "" : message.strip().replace('\n', ' ').replace("\r", "");
    }
}
