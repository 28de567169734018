package io.livemig.migrator.cli;

import io.livemig.migrator.host.HostException;
import io.livemig.migrator.host.MigrationSettings;
import io.livemig.migrator.migration.MigrationOptions;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code livemig source}'s options for a migration started on a host ({@code ctl migrate}, the
 * control API): parsed by {@link SourceCommand} itself, so every source option and its checks mean
 * the same there. The options that describe or place a guest do not apply to one already running
 * on a host, nor do the per-process ones (the host's own token and TLS apply to its migrations).
 */
public final class SourceOptionParser implements MigrationSettings.Parser {
    /** Source options a host migration refuses, with the reason shown. */
    static final Set<String> NOT_ON_A_HOST = Set.of("memory", "vcpus", "workload", "page-size", "to", "migrate-after",
            "stats-json", "auth-token-file", "tls-cert", "tls-key", "tls-ca", "jfr", "stall-timeout", "help", "version");
    /** Filled in for the required options a running guest already has; never taken from the user. */
    private static final List<String> PLACEHOLDERS = List.of("--memory", "1m", "--vcpus", "1", "--workload", "idle", "--to", "127.0.0.1:1");

    @Override
    public MigrationSettings parse(Map<String, Object> sourceOptions) {
        try {
            SourceCommand command = parsed(toArgs(sourceOptions));
            MigrationOptions options = command.migrationOptions();
            command.policy(); // an unknown policy or a bad parameter is refused now, not per migration
            return new MigrationSettings(options, command::policy);
        } catch (CommandLine.ParameterException | UsageException | IllegalArgumentException e) {
            throw new HostException(HostException.Kind.BAD_REQUEST, Cli.oneLine(e.getMessage()));
        }
    }

    /** {@code {"bandwidth": "64m", "throttle-tailslow": true}} as the command line {@code --bandwidth 64m --throttle-tailslow}. */
    static List<String> toArgs(Map<String, Object> sourceOptions) {
        List<String> args = new ArrayList<>();
        for (Map.Entry<String, Object> e : sourceOptions.entrySet()) {
            String name = e.getKey().startsWith("--") ? e.getKey().substring(2) : e.getKey();
            refuseIfNotOnAHost(name);
            Object value = e.getValue();
            if (value instanceof Boolean flag) {
                if (flag) args.add("--" + name);
            } else {
                args.add("--" + name);
                args.add(String.valueOf(value));
            }
        }
        return args;
    }

    /**
     * The command-line form ({@code ctl migrate ... --bandwidth 64m --throttle-tailslow}), checked
     * here as the host will check it, as the options object of the control API.
     *
     * @throws UsageException or IllegalArgumentException for a bad or inapplicable option (exit 2 before anything is sent)
     */
    static Map<String, Object> toMap(List<String> args) {
        for (String arg : args) {
            if (arg.startsWith("--")) refuseIfNotOnAHost(arg.substring(2).split("=", 2)[0]);
        }
        CommandLine.ParseResult result;
        try {
            result = commandLine().parseArgs(withPlaceholders(args));
        } catch (CommandLine.ParameterException e) {
            throw new UsageException(Cli.oneLine(e.getMessage()) + " (see 'livemig source --help' for the options)");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (OptionSpec option : result.matchedOptions()) {
            String name = option.longestName().substring(2);
            if (NOT_ON_A_HOST.contains(name)) continue; // the placeholders

            boolean flag = option.arity().max() == 0;
            List<String> values = option.originalStringValues();
            map.put(name, flag ? (Object) Boolean.TRUE : values.get(values.size() - 1));
        }
        return map;
    }

    private static void refuseIfNotOnAHost(String name) {
        if (NOT_ON_A_HOST.contains(name)) {
            throw new IllegalArgumentException("--" + name + " does not apply to a migration from a host"
                    + " (the guest already runs there; the host's own --auth-token-file and TLS apply)");
        }
    }

    private static SourceCommand parsed(List<String> args) {
        SourceCommand command = new SourceCommand();
        new CommandLine(command).parseArgs(withPlaceholders(args));
        return command;
    }

    private static CommandLine commandLine() {
        return new CommandLine(new SourceCommand());
    }

    private static String[] withPlaceholders(List<String> args) {
        List<String> all = new ArrayList<>(args);
        all.addAll(PLACEHOLDERS);
        return all.toArray(String[]::new);
    }
}
