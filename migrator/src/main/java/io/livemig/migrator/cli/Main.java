package io.livemig.migrator.cli;

/** Entry point with the migrator's commands only (run, source, dest); the launcher adds the harness's. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(Cli.commandLine().execute(args));
    }
}
