package io.livemig.migrator.migration;

import io.livemig.emulator.GuestConfig;
import io.livemig.emulator.GuestProgram;
import io.livemig.migrator.protocol.GuestOffer;
import io.livemig.migrator.protocol.Refuse;
import io.livemig.migrator.transport.Connection;
import io.livemig.workloads.Sizes;

/**
 * Whether this destination takes an offered guest: its memory within {@code --max-memory}, a valid
 * guest shape, a workload spec this JVM knows. A refusal goes back to the source as {@code Refuse}
 * with the reason, and ends the incoming migration.
 */
final class OfferAdmission {
    private final DestinationOptions options;

    OfferAdmission(DestinationOptions options) {
        this.options = options;
    }

    /** @return the program that continues the guest here */
    GuestProgram admit(Connection connection, GuestOffer offer) throws Exception {
        String refusal = null;
        GuestProgram program = null;
        if (offer.memoryBytes() > options.maxMemoryBytes()) {
            refusal = "guest memory of " + Sizes.human(offer.memoryBytes()) + " exceeds this destination's --max-memory of "
                    + Sizes.human(options.maxMemoryBytes());
        } else {
            try {
                new GuestConfig(offer.memoryBytes(), offer.pageSize(), offer.vcpus());
                program = options.programs().apply(offer.workloadSpec());
            } catch (IllegalArgumentException e) {
                refusal = "cannot host the guest: " + e.getMessage();
            }
        }
        if (refusal != null) {
            connection.send(new Refuse(refusal));
            throw new MigrationException("refused: " + refusal);
        }
        return program;
    }
}
