package io.livemig.bench;

import io.livemig.bench.demo.DemoCommand;
import io.livemig.bench.experiment.ExperimentCommand;
import io.livemig.migrator.cli.Cli;
import picocli.CommandLine;

/** The {@code ./livemig} entry point: the migrator's commands plus the demo and the experiment harness. */
public final class LivemigMain {
    private LivemigMain() {}

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Every {@code livemig} subcommand, as the launcher runs them. */
    public static CommandLine commandLine() {
        CommandLine cl = Cli.commandLine();
        cl.addSubcommand(new DemoCommand());
        cl.addSubcommand(new ExperimentCommand());
        return cl;
    }
}
