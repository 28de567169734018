package io.livemig.migrator.migration;

import io.livemig.migrator.protocol.GuestOffer;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one guest a {@code livemig dest} receives or runs at a time, as its {@link IncomingAdmission}:
 * the slot is claimed by an authenticated source's offer (after the destination's own checks),
 * never by a mere connection, so a peer that connects and says nothing holds nothing. An offer
 * that finds it held is refused as busy. It is given back when the incoming migration fails; a
 * guest that runs here keeps it.
 */
public final class HostingSlot implements IncomingAdmission {
    /** What a source hears while the slot is held. */
    public static final String BUSY = "busy: this destination is already receiving or running a guest";

    private final AtomicBoolean held = new AtomicBoolean();

    @Override
    public Decision admit(String requestedName, GuestOffer offer) {
        return held.compareAndSet(false, true) ? Decision.admit(requestedName) : Decision.refuse(BUSY);
    }

    @Override
    public void discard(String name, GuestOffer offer) {
        held.set(false);
    }

    public boolean isHeld() {
        return held.get();
    }
}
