package io.livemig.migrator.host;

import io.livemig.emulator.VirtualMachine;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /metrics}: the host's figures that change over time, in the Prometheus text
 * exposition format (version 0.0.4), written by hand: one {@code # HELP} and {@code # TYPE} line
 * per family, then its samples; label values escaped (backslash, double quote, line feed).
 */
final class HostMetrics {
    private final StringBuilder out = new StringBuilder(4096);

    private HostMetrics() {}

    static String render(GuestTable table, List<OutgoingMigration> active, MigrationCounters outgoing, IncomingMigrations incoming) {
        HostMetrics m = new HostMetrics();
        m.family("livemig_host_memory_max_bytes", "gauge", "Guest memory this host may hold (--max-memory).");
        m.sample("livemig_host_memory_max_bytes", table.budget().maxBytes());
        m.family("livemig_host_memory_used_bytes", "gauge", "Guest memory of the guests here, arriving ones included.");
        m.sample("livemig_host_memory_used_bytes", table.budget().usedBytes());

        List<HostedGuest> guests = table.all();
        Map<GuestState, Integer> byState = new EnumMap<>(GuestState.class);
        for (GuestState s : GuestState.values()) byState.put(s, 0);
        for (HostedGuest g : guests) byState.merge(g.state(), 1, Integer::sum);
        m.family("livemig_host_guests", "gauge", "Guests on this host by state.");
        byState.forEach((state, n) -> m.sample("livemig_host_guests", n, "state", state.json()));

        m.family("livemig_host_incoming_active", "gauge", "Incoming migrations under way.");
        m.sample("livemig_host_incoming_active", incoming.activeCount());
        m.family("livemig_host_incoming_total", "counter", "Incoming migrations ended since the host started, by outcome.");
        m.sample("livemig_host_incoming_total", incoming.arrived.get(), "outcome", "arrived");
        m.sample("livemig_host_incoming_total", incoming.failed.get(), "outcome", "failed");

        m.family("livemig_host_migrations_started_total", "counter", "Outgoing migrations started since the host started.");
        m.sample("livemig_host_migrations_started_total", outgoing.started.get());
        m.family("livemig_host_migrations_ended_total", "counter", "Outgoing migrations ended, by status.");
        m.sample("livemig_host_migrations_ended_total", outgoing.completed.get(), "status", "completed");
        m.sample("livemig_host_migrations_ended_total", outgoing.failed.get(), "status", "failed");
        m.sample("livemig_host_migrations_ended_total", outgoing.cancelled.get(), "status", "cancelled");
        m.family("livemig_host_migration_transferred_bytes_total", "counter", "Bytes sent by ended outgoing migrations.");
        m.sample("livemig_host_migration_transferred_bytes_total", outgoing.transferredBytes.get());
        m.family("livemig_host_migration_downtime_seconds_total", "counter", "Host downtime summed over completed outgoing migrations.");
        m.sample("livemig_host_migration_downtime_seconds_total", outgoing.downtimeMicrosTotal.get() / 1e6);

        m.family("livemig_migration_remaining_bytes", "gauge", "Active outgoing migrations: pages still to send, times the page size.");
        for (OutgoingMigration a : active) m.sample("livemig_migration_remaining_bytes", a.remainingBytes(), "id", a.id, "guest", a.guest.name);
        m.family("livemig_migration_transferred_bytes", "gauge", "Active outgoing migrations: bytes sent in the rounds done.");
        for (OutgoingMigration a : active) m.sample("livemig_migration_transferred_bytes", a.transferredBytes(), "id", a.id, "guest", a.guest.name);

        m.family("livemig_guest_memory_bytes", "gauge", "Guest memory.");
        m.family("livemig_guest_ops_total", "counter", "Operations the guest completed (it carries its count across migrations).");
        m.family("livemig_guest_ops_per_second", "gauge", "Guest throughput over the last sample interval.");
        m.family("livemig_guest_dirty_rate_bytes_per_second", "gauge", "Bytes the guest dirtied per second over the last sample interval.");
        m.family("livemig_guest_cpu_seconds_total", "counter", "CPU time of the guest's vCPUs on this host.");
        for (HostedGuest g : guests) {
            VirtualMachine vm = g.vm();
            m.sample("livemig_guest_memory_bytes", g.memoryBytes, "guest", g.name);
            if (vm == null) continue;
            m.sample("livemig_guest_ops_total", vm.totalOps(), "guest", g.name);
            m.sample("livemig_guest_ops_per_second", g.opsPerS(), "guest", g.name);
            m.sample("livemig_guest_dirty_rate_bytes_per_second", g.dirtyRateBytesPerS(), "guest", g.name);
            m.sample("livemig_guest_cpu_seconds_total", vm.cpuTimeNanos() / 1e9, "guest", g.name);
        }

        Runtime rt = Runtime.getRuntime();
        m.family("livemig_process_threads", "gauge", "Live threads of the host process.");
        m.sample("livemig_process_threads", ManagementFactory.getThreadMXBean().getThreadCount());
        m.family("livemig_process_open_fds", "gauge", "Open file descriptors of the host process.");
        String[] fds = new File("/proc/self/fd").list();
        m.sample("livemig_process_open_fds", fds == null ? 0 : fds.length);
        m.family("livemig_process_heap_used_bytes", "gauge", "Java heap in use (not guest memory, which is off-heap).");
        m.sample("livemig_process_heap_used_bytes", rt.totalMemory() - rt.freeMemory());
        m.family("livemig_process_heap_after_gc_bytes", "gauge", "Java heap in use right after the last collection of each heap pool: flat unless something leaks.");
        m.sample("livemig_process_heap_after_gc_bytes", heapAfterLastGc());
        return m.out.toString();
    }

    private static long heapAfterLastGc() {
        long bytes = 0;
        for (java.lang.management.MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() != java.lang.management.MemoryType.HEAP) continue;
            java.lang.management.MemoryUsage afterGc = pool.getCollectionUsage();
            if (afterGc != null) bytes += afterGc.getUsed();
        }
        return bytes;
    }

    private void family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** A sample with labels given as name, value, name, value... */
    private void sample(String name, double value, String... labels) {
        out.append(name);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (i > 0) out.append(',');
                out.append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
            }
            out.append('}');
        }
        out.append(' ');
        if (value == Math.rint(value) && Math.abs(value) < 1e15) out.append((long) value);
        else out.append(value);
        out.append('\n');
    }

    static String escape(String labelValue) {
        return labelValue.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
