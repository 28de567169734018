package io.livemig.migrator.host;

import io.livemig.migrator.protocol.GuestName;
import io.livemig.workloads.Sizes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The guests of a host by name, within its {@link MemoryBudget}: a name and its memory are
 * reserved together, when a guest is booted or offered by an incoming migration, and given back
 * together when it leaves, stops, or never arrives.
 */
final class GuestTable {
    private final MemoryBudget budget;
    private final Map<String, HostedGuest> guests = new LinkedHashMap<>();
    private long unnamedCount;

    GuestTable(MemoryBudget budget) {
        this.budget = budget;
    }

    /**
     * Reserves a name and memory for a new guest.
     *
     * @param name null: a fresh {@code guest-N} (an incoming guest whose source sent no name)
     * @throws HostException CONFLICT when the name is taken or the memory does not fit
     */
    synchronized HostedGuest reserve(String name, long memoryBytes, int vcpus, String workload, String origin, GuestState state) {
        if (name == null) {
            do {
                name = "guest-" + (++unnamedCount);
            } while (guests.containsKey(name));
        } else if (!GuestName.isValid(name)) {
            throw HostException.badRequest("guest name '" + name + "' is not 1.." + GuestName.MAX_CHARS
                    + " characters of A-Z a-z 0-9 . _ -");
        }
        if (guests.containsKey(name)) throw HostException.conflict("a guest named " + name + " is already on this host");
        if (!budget.reserve(memoryBytes)) {
            throw HostException.conflict("guest memory of " + Sizes.human(memoryBytes) + " exceeds this host's free memory: "
                    + Sizes.human(budget.maxBytes() - budget.usedBytes()) + " of --max-memory " + Sizes.human(budget.maxBytes()));
        }
        HostedGuest guest = new HostedGuest(name, memoryBytes, vcpus, workload, origin, state);
        guests.put(name, guest);
        return guest;
    }

    /** The guest left (migrated away, stopped, never arrived): its name and memory are free again. */
    synchronized void remove(HostedGuest guest) {
        if (guests.get(guest.name) == guest) {
            guests.remove(guest.name);
            budget.release(guest.memoryBytes);
        }
    }

    synchronized Optional<HostedGuest> find(String name) {
        return Optional.ofNullable(guests.get(name));
    }

    /** @throws HostException NOT_FOUND */
    HostedGuest get(String name) {
        return find(name).orElseThrow(() -> HostException.notFound("no guest named " + name + " on this host"));
    }

    synchronized List<HostedGuest> all() {
        return new ArrayList<>(guests.values());
    }

    MemoryBudget budget() {
        return budget;
    }
}
