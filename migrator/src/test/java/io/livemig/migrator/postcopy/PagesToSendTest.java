package io.livemig.migrator.postcopy;

import io.livemig.emulator.DirtyBitmap;
import io.livemig.migrator.protocol.MissingMap;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PagesToSendTest {

    @Test
    void aPageIsClaimedOnceWhoeverAsksFirst() {
        PagesToSend pages = new PagesToSend(1000);
        pages.reset(bitmap(1000, 5, 6, 999));
        assertThat(pages.remaining()).isEqualTo(3);
        assertThat(pages.claim(6)).isTrue();
        assertThat(pages.claim(6)).as("pushed or answered already").isFalse();
        assertThat(pages.claim(7)).as("never lacking").isFalse();
        assertThat(pages.remaining()).isEqualTo(2);
    }

    @Test
    void theSearchGoesOnAfterAHintAndWrapsAround() {
        PagesToSend pages = new PagesToSend(300);
        pages.reset(bitmap(300, 3, 100, 250));
        assertThat(pages.nextToSend(101)).isEqualTo(250);
        assertThat(pages.nextToSend(251)).as("wraps to the start").isEqualTo(3);
        assertThat(pages.nextToSend(-1)).isEqualTo(3);
        pages.claim(3);
        pages.claim(100);
        pages.claim(250);
        assertThat(pages.nextToSend(0)).isEqualTo(-1);
        assertThat(pages.isEmpty()).isTrue();
    }

    @Test
    void mapsFromTheDestinationRebuildTheSet() {
        PagesToSend pages = new PagesToSend(130);
        pages.clear();
        assertThat(pages.add(new MissingMap(0, new long[] {0b1001}))).isEqualTo(2);
        assertThat(pages.add(new MissingMap(128, new long[] {-1L}))).as("only pages 128 and 129 exist").isEqualTo(2);
        assertThat(pages.remaining()).isEqualTo(4);
        assertThat(pages.contains(3)).isTrue();
        assertThat(pages.contains(129)).isTrue();
        assertThatThrownBy(() -> pages.add(new MissingMap(192, new long[] {1}))).hasMessageContaining("reaches past");
    }

    @Test
    void racingClaimersNeverBothWinAPage() throws Exception {
        PagesToSend pages = new PagesToSend(1 << 16);
        DirtyBitmap all = new DirtyBitmap(1 << 16);
        all.setAll();
        pages.reset(all);
        ConcurrentLinkedQueue<Long> won = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            threads.add(new Thread(() -> {
                for (long p = 0; p < (1 << 16); p++) if (pages.claim(p)) won.add(p);
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) t.join(20_000);
        assertThat(won).hasSize(1 << 16).doesNotHaveDuplicates();
        assertThat(pages.isEmpty()).isTrue();
    }

    private static DirtyBitmap bitmap(long pages, long... set) {
        DirtyBitmap b = new DirtyBitmap(pages);
        for (long p : set) b.set(p);
        return b;
    }
}
