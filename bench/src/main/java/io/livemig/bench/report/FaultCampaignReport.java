package io.livemig.bench.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The fault campaign: N migrations between separate JVMs (source, proxy, destination), each with
 * one fault (the kinds in turn, each with random parameters from SEED): a reset at a random byte,
 * a stall, a tenfold bandwidth drop, a latency spike, or SIGKILL of the proxy, the destination or
 * the source at a random moment of the migration. Prints one line per run, then the outcomes per
 * fault kind; in-doubt runs say how they were resolved. HUNG, LOST and TWO COPIES must stay at 0.
 *
 * <pre>java ... io.livemig.bench.report.FaultCampaignReport [N=21] [SEED=1] [DIR=target/fault-campaign]</pre>
 *
 * About 10 s per run on two cores (three JVM starts, a 64 MiB guest over a 32 MiB/s link).
 */
public final class FaultCampaignReport {
    private FaultCampaignReport() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 21;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        Path dir = Path.of(args.length > 2 ? args[2] : "target/fault-campaign");
        Files.createDirectories(dir);
        SplittableRandom rnd = new SplittableRandom(seed);
        CampaignFault.Kind[] kinds = CampaignFault.Kind.values();
        System.out.printf(Locale.ROOT, "fault campaign: %d runs, seed %d, guest 64 MiB %s, link %s latency %s MiB/s, "
                        + "stall timeout %s; load average %s%n", n, seed, CampaignRun.WORKLOAD, CampaignFault.BASE_LATENCY,
                CampaignFault.BASE_RATE_BYTES_PER_S >> 20, CampaignRun.STALL_TIMEOUT, MigrationRun.loadAverage());
        List<CampaignRun.Result> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CampaignFault fault = CampaignFault.random(kinds[i % kinds.length], rnd);
            CampaignRun.Result r = CampaignRun.run(i + 1, fault, dir.resolve("run-" + (i + 1)));
            results.add(r);
            System.out.printf(Locale.ROOT, "run %3d  %-14s %-45s -> %s%s (%.0f s)%s%n", r.run(), fault.kind(), fault.detail(),
                    r.outcome().label, r.resolution().isEmpty() ? "" : ": " + r.resolution(), r.seconds(),
                    r.reason().isEmpty() ? "" : "  [" + r.reason() + "]");
            System.out.flush();
        }
        printTable(results);
    }

    private static void printTable(List<CampaignRun.Result> results) {
        CampaignOutcome[] outcomes = CampaignOutcome.values();
        StringBuilder header = new StringBuilder("| fault | runs |");
        StringBuilder rule = new StringBuilder("|---|---:|");
        for (CampaignOutcome o : outcomes) {
            header.append(' ').append(o.label).append(" |");
            rule.append("---:|");
        }
        System.out.println();
        System.out.println(header);
        System.out.println(rule);
        Map<CampaignOutcome, Integer> total = new EnumMap<>(CampaignOutcome.class);
        for (CampaignFault.Kind kind : CampaignFault.Kind.values()) {
            Map<CampaignOutcome, Integer> counts = new EnumMap<>(CampaignOutcome.class);
            int runs = 0;
            for (CampaignRun.Result r : results) {
                if (r.fault().kind() != kind) continue;
                runs++;
                counts.merge(r.outcome(), 1, Integer::sum);
                total.merge(r.outcome(), 1, Integer::sum);
            }
            if (runs == 0) continue;
            StringBuilder row = new StringBuilder("| " + kind.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " | " + runs + " |");
            for (CampaignOutcome o : outcomes) row.append(' ').append(counts.getOrDefault(o, 0)).append(" |");
            System.out.println(row);
        }
        StringBuilder row = new StringBuilder("| **all** | " + results.size() + " |");
        for (CampaignOutcome o : outcomes) row.append(' ').append(total.getOrDefault(o, 0)).append(" |");
        System.out.println(row);
    }
}
