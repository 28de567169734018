package io.livemig.migrator.migration;

import io.livemig.emulator.FaultFigures;
import io.livemig.emulator.MissingPageException;
import io.livemig.emulator.MissingPages;
import io.livemig.emulator.PageFaultHandler;
import io.livemig.migrator.postcopy.MissingMaps;
import io.livemig.migrator.postcopy.PagePusher;
import io.livemig.migrator.postcopy.PageRequestServer;
import io.livemig.migrator.postcopy.PageRequester;
import io.livemig.migrator.postcopy.PagesToSend;
import io.livemig.migrator.postcopy.PostcopySink;
import io.livemig.migrator.protocol.MissingMap;
import io.livemig.migrator.protocol.PageRequest;
import io.livemig.migrator.protocol.PostcopyComplete;
import io.livemig.migrator.protocol.PostcopyPushDone;
import io.livemig.migrator.protocol.PostcopyStart;

import java.util.List;

/**
 * Loads and initializes the classes of the switch to post-copy while the migration is set up, so
 * that the switch-over pause does not include loading them (a fresh JVM spends milliseconds per
 * class on first use, and the switch uses a dozen for the first time).
 */
final class PostcopyClasses {
    private static final List<Class<?>> SOURCE = List.of(SourcePostcopy.class, PostcopyPhase.class, MissingMaps.class,
            MissingMap.class, PostcopyStart.class, PagesToSend.class, PagePusher.class, PageRequestServer.class,
            PostcopyPushDone.class, PostcopyComplete.class, PageRequest.class);
    private static final List<Class<?>> DESTINATION = List.of(PostcopyArrival.class, DestinationPostcopy.class,
            MissingPages.class, PageFaultHandler.class, MissingPageException.class, FaultFigures.class, PageRequester.class,
            PostcopySink.class, MissingMap.class, PostcopyStart.class, PageRequest.class, PostcopyPushDone.class,
            PostcopyComplete.class);

    private PostcopyClasses() {}

    static void loadSourceSide() {
        load(SOURCE);
    }

    static void loadDestinationSide() {
        load(DESTINATION);
    }

    private static void load(List<Class<?>> classes) {
        for (Class<?> c : classes) {
            try {
                Class.forName(c.getName(), true, c.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e); // a class literal names a class that is there
            }
        }
    }
}
