package io.livemig.bench.report;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.VirtualMachine;
import io.livemig.migrator.migration.Handshake;
import io.livemig.migrator.migration.MigrationListener;
import io.livemig.migrator.migration.MigrationOptions;
import io.livemig.migrator.migration.MigrationSource;
import io.livemig.migrator.policy.NoConvergencePolicy;
import io.livemig.migrator.process.ChildJvm;
import io.livemig.migrator.stats.MigrationStats;
import io.livemig.migrator.transport.ConnectionOptions;
import io.livemig.migrator.transport.HostPort;
import io.livemig.migrator.transport.Transport;
import io.livemig.workloads.Workloads;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The silent-peer target: a real {@code livemig dest} JVM receives a migration from this JVM, once
 * on a quiet port and once while SILENT connections say nothing and TRICKLING ones send one byte a
 * second. Prints the migration's setup and total time both ways and the destination's threads and
 * descriptors before the flood, during it, and after the migration.
 *
 * <pre>java ... io.livemig.bench.report.SilentPeersReport [SILENT=100] [TRICKLING=3] [REPEATS=3]</pre>
 */
public final class SilentPeersReport {
    private static final long MIB = 1 << 20;

    private SilentPeersReport() {}

    public static void main(String[] args) throws Exception {
        int silent = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int trickling = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        System.out.printf(Locale.ROOT, "silent peers: %d silent + %d trickling (1 byte/s) connections to a livemig dest JVM "
                + "(default --max-pending 16, --handshake-timeout 10s); a 64 MiB kvstore guest; load average %s%n",
                silent, trickling, MigrationRun.loadAverage());
        System.out.println("| port | setup ms | total ms | dest threads before / flooded / after | dest fds before / flooded / after | status |");
        System.out.println("|---|---:|---:|---|---|---|");
        for (int r = 0; r < repeats; r++) {
            for (boolean flood : new boolean[] {false, true}) {
                run(flood ? silent : 0, flood ? trickling : 0);
            }
        }
    }

    private static void run(int silent, int trickling) throws Exception {
        List<Socket> peers = new ArrayList<>();
        AtomicBoolean on = new AtomicBoolean(true);
        try (ChildJvm dest = ChildJvm.livemig("dest", List.of("dest", "--listen", "127.0.0.1:0", "--run-for", "1s"));
             VirtualMachine vm = VirtualMachine.boot("src", new GuestConfig(64 * MIB, 1), Workloads.parse("kvstore:records=100000,value=100"));
             Transport transport = Transport.create(ConnectionOptions.DEFAULTS)) {
            int port = dest.awaitListening(Duration.ofSeconds(60));
            vm.start();
            Thread.sleep(500);
            int[] before = sample(dest.pid());
            for (int i = 0; i < silent + trickling; i++) {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
                peers.add(s);
                if (i >= silent) {
                    Thread t = new Thread(() -> trickle(s, on), "trickler");
                    t.setDaemon(true);
                    t.start();
                }
            }
            Thread.sleep(1000);
            int[] flooded = sample(dest.pid());
            MigrationStats stats = new MigrationSource(vm, new NoConvergencePolicy(), MigrationOptions.defaults(),
                    MigrationListener.SILENT, new Handshake(), 0).migrate(transport, new HostPort("127.0.0.1", port));
            int[] after = sample(dest.pid());
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %d / %d / %d | %d / %d / %d | %s%s |%n",
                    silent + trickling == 0 ? "quiet" : silent + " silent + " + trickling + " trickling",
                    stats.setupTimeMs(), stats.totalTimeMs(), before[0], flooded[0], after[0], before[1], flooded[1], after[1],
                    stats.status(), stats.completed() && stats.digestVerified() ? ", verified" : ": " + stats.error());
            dest.awaitExit(Duration.ofSeconds(30));
        } finally {
            on.set(false);
            for (Socket s : peers) s.close();
        }
    }

    /** {threads, open descriptors} of a process, from /proc. */
    private static int[] sample(long pid) {
        return new int[] {count("/proc/" + pid + "/task"), count("/proc/" + pid + "/fd")};
    }

    private static int count(String dir) {
        String[] entries = new File(dir).list();
        return entries == null ? -1 : entries.length;
    }

    private static void trickle(Socket s, AtomicBoolean on) {
        try {
            OutputStream out = s.getOutputStream();
            while (on.get()) {
                out.write(1);
                out.flush();
                Thread.sleep(1000);
            }
        } catch (IOException | InterruptedException e) {
            // closed by the destination
        }
    }
}
