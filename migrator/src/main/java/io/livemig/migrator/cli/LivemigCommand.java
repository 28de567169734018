package io.livemig.migrator.cli;

import picocli.CommandLine.Command;

/** {@code livemig}: an emulated VM and its live migration between two JVMs. */
@Command(name = "livemig", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, version = "livemig 0.1.0",
        description = "An emulated virtual machine and live-migration runtime: migrate a running guest between two "
                + "JVMs over TCP, with convergence policies that throttle its vCPUs.",
        subcommands = {RunCommand.class, SourceCommand.class, DestCommand.class, EstimateCommand.class, HostCommand.class,
                CtlCommand.class, ProxyCommand.class},
        footer = {"", "SIZE: bytes with k/m/g (KiB/MiB/GiB). RATE: bytes per second, same suffixes (100m = 100 MiB/s). "
                + "DURATION: 250us, 30ms, 5s. Bad values are refused with one line and exit status 2."})
public final class LivemigCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }
}
