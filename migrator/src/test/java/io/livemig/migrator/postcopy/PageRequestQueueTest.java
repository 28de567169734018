package io.livemig.migrator.postcopy;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class PageRequestQueueTest {

    @Test
    void requestsComeOutInOrderAndTheQueueGrowsWhenItMust() throws Exception {
        PageRequestQueue queue = new PageRequestQueue();
        for (long p = 0; p < 200; p++) queue.requestPage(p * 3);
        for (long p = 0; p < 200; p++) assertThat(queue.take(0)).isEqualTo(p * 3);
        assertThat(queue.take(TimeUnit.MILLISECONDS.toNanos(1))).as("nothing asked").isEqualTo(-1);
    }

    @Test
    void aWaitingRequesterWakesWhenAVcpuAsks() throws Exception {
        PageRequestQueue queue = new PageRequestQueue();
        Thread vcpu = new Thread(() -> queue.requestPage(42));
        vcpu.start();
        assertThat(queue.take(TimeUnit.SECONDS.toNanos(10))).isEqualTo(42);
        vcpu.join();
    }
}
