package io.livemig.migrator.host;

import io.livemig.emulator.VirtualMachine;
import io.livemig.emulator.VmState;
import io.livemig.migrator.migration.IncomingAdmission;
import io.livemig.migrator.migration.MigrationDestination;
import io.livemig.migrator.migration.MigrationException;
import io.livemig.migrator.migration.SilentPeerException;
import io.livemig.migrator.protocol.GuestOffer;
import io.livemig.migrator.transport.Connection;
import io.livemig.migrator.transport.Listener;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The migration port of a host: every accepted connection gets its own thread and its own
 * destination session, so several guests can arrive at once. Each is admitted by name and memory
 * ({@link GuestTable}: "busy" on a host means that name is taken or the memory does not fit, not
 * that another guest is arriving); past {@code maxIncoming} connections at once, the next are
 * answered busy (after the handshake, so a source in doubt still gets its outcome).
 */
final class IncomingMigrations implements IncomingAdmission, AutoCloseable {
    private final Listener listener;
    private final MigrationDestination destination;
    private final GuestTable table;
    private final Semaphore slots;
    private final int maxIncoming;
    private final Consumer<String> log;
    private final Thread acceptor;
    /** Arriving guests by name, with the peer they come from. */
    private final ConcurrentHashMap<String, HostedGuest> arriving = new ConcurrentHashMap<>();
    private final AtomicLong connectionCount = new AtomicLong();
    final AtomicLong arrived = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    private final java.util.function.BooleanSupplier refuseNew;
    private volatile boolean closed;

    IncomingMigrations(Listener listener, java.util.function.Function<IncomingAdmission, MigrationDestination> destinations,
                       GuestTable table, int maxIncoming, java.util.function.BooleanSupplier refuseNew, Consumer<String> log) {
        this.refuseNew = refuseNew;
        this.listener = listener;
        this.destination = destinations.apply(this);
        this.table = table;
        this.maxIncoming = maxIncoming;
        this.slots = new Semaphore(maxIncoming);
        this.log = log;
        this.acceptor = new Thread(this::acceptLoop, "host-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int activeCount() {
        return maxIncoming - slots.availablePermits();
    }

    private void acceptLoop() {
        while (!closed) {
            Connection connection;
            try {
                connection = listener.accept(Duration.ofSeconds(1));
            } catch (TimeoutException e) {
                continue;
            } catch (InterruptedException e) {
                return;
            }
            long n = connectionCount.incrementAndGet();
            boolean admitted = slots.tryAcquire();
            Thread thread = new Thread(() -> {
                try {
                    if (admitted) receive(connection);
                    else refuseBusy(connection);
                } finally {
                    if (admitted) slots.release();
                }
            }, "host-incoming-" + n);
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void receive(Connection connection) {
        String peer = String.valueOf(connection.remoteAddress());
        boolean handedOver = false;
        try {
            MigrationDestination.Incoming incoming = destination.receiveOrRoute(connection, "incoming");
            if (incoming == null) { // a post-copy connection, now its migration's
                handedOver = true;
                return;
            }
            VirtualMachine vm = incoming.vm();
            HostedGuest guest = arriving.remove(vm.name());
            if (guest == null) { // cannot happen: every admitted guest is named by admit()
                vm.close();
                return;
            }
            if (vm.state() != VmState.RUNNING) {
                log.accept("guest " + vm.name() + " from " + peer + " failed its digest check after resume and was stopped");
                vm.close();
                table.remove(guest);
                failed.incrementAndGet();
                return;
            }
            guest.running(vm);
            arrived.incrementAndGet();
            log.accept("guest " + vm.name() + " arrived from " + peer + " (" + incoming.rounds() + " rounds, digest "
                    + (incoming.digestVerified() ? "verified" : "not verified") + ")");
        } catch (MigrationDestination.OutcomeAnswered | SilentPeerException e) {
            // a source in doubt got its answer, or a port probe: not a migration
        } catch (MigrationException e) {
            failed.incrementAndGet();
            log.accept("incoming migration from " + peer + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (!handedOver) connection.close();
        }
    }

    private void refuseBusy(Connection connection) {
        boolean handedOver = false;
        try {
            handedOver = destination.answerWhileBusy(connection, "busy: this host is already receiving " + maxIncoming + " guests");
        } catch (Exception e) {
            // refused, answered, or the peer left
        } finally {
            if (!handedOver) connection.close();
        }
    }

    /** An offered guest takes its name and memory here, or is refused with the reason. */
    @Override
    public Decision admit(String requestedName, GuestOffer offer) {
        if (closed || refuseNew.getAsBoolean()) return Decision.refuse("this host takes no new guests now (evacuating or shutting down)");
        try {
            HostedGuest guest = table.reserve(requestedName, offer.memoryBytes(), offer.vcpus(), offer.workloadSpec(),
                    "arrived", GuestState.ARRIVING);
            arriving.put(guest.name, guest);
            return Decision.admit(guest.name);
        } catch (HostException e) {
            return Decision.refuse(e.getMessage());
        }
    }

    @Override
    public void discard(String name, GuestOffer offer) {
        HostedGuest guest = arriving.remove(name);
        if (guest != null) table.remove(guest);
    }

    @Override
    public void close() {
        closed = true;
        listener.close();
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
