package io.livemig.migrator.migration;

import io.livemig.migrator.protocol.GuestOffer;

/**
 * Whether an offered guest may come, beyond the destination's own checks (size against
 * {@code --max-memory}, shape, workload): a host agent reserves the guest's name and memory here,
 * so several guests can arrive at once within one budget. What {@link #admit} reserved,
 * {@link #discard} gives back if the guest never starts here (failed, aborted, cancelled before
 * COMMIT); once it starts, the reservation belongs to whoever takes the arrived guest.
 */
public interface IncomingAdmission {
    /** Admits every guest under the name its source gave (or the destination's own name for it). */
    IncomingAdmission ANY = new IncomingAdmission() {
        @Override
        public Decision admit(String requestedName, GuestOffer offer) {
            return Decision.admit(requestedName);
        }

        @Override
        public void discard(String name, GuestOffer offer) {
        }
    };

    /**
     * @param name    the name the guest arrives under (null: the destination's own name), when admitted
     * @param refusal why not, when refused (sent to the source in {@code Refuse})
     */
    record Decision(String name, String refusal) {
        public static Decision admit(String name) {
            return new Decision(name, null);
        }

        public static Decision refuse(String reason) {
            return new Decision(null, reason);
        }

        public boolean admitted() {
            return refusal == null;
        }
    }

    /**
     * @param requestedName the name the source sent ({@code GuestName}), or null
     * @return admitted (with the name to use) or refused (with the reason)
     */
    Decision admit(String requestedName, GuestOffer offer);

    /** The guest admitted as {@code name} will not run here: release what {@link #admit} reserved. */
    void discard(String name, GuestOffer offer);
}
