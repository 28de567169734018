package io.livemig.migrator.cli;

/** Entry point with the migrator's commands only (run, source, dest, estimate, host, ctl, proxy); the launcher adds demo and experiment. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(Cli.commandLine().execute(args));
    }
}
