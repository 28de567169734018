package io.livemig.migrator.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class XbzrleProperties {
    private static final int PAGE = 4096;

    @Property(tries = 300)
    void aDeltaTurnsTheOldPageIntoTheNewOne(@ForAll @IntRange(min = 0, max = 200) int changes,
                                            @ForAll @IntRange(min = 1, max = 300) int maxRun,
                                            @ForAll long seed) {
        byte[] old = randomPage(seed);
        byte[] now = changed(old, changes, maxRun, seed + 1);
        ByteBuf delta = Unpooled.buffer();
        int length = Xbzrle.encode(Unpooled.wrappedBuffer(old), 0, Unpooled.wrappedBuffer(now), 0, PAGE, delta, Integer.MAX_VALUE);

        assertThat(length).isEqualTo(delta.readableBytes());
        assertThat(applied(old, delta)).isEqualTo(now);
    }

    @Property(tries = 300)
    void aDeltaCostsItsChangedBytesPlusAtMostSixBytesPerRun(@ForAll @IntRange(min = 0, max = 200) int changes,
                                                          @ForAll @IntRange(min = 1, max = 300) int maxRun,
                                                          @ForAll long seed) {
        byte[] old = randomPage(seed);
        byte[] now = changed(old, changes, maxRun, seed + 1);
        int changedBytes = 0;
        int runs = 0;
        for (int i = 0; i < PAGE; i++) {
            if (old[i] != now[i]) {
                changedBytes++;
                if (i == 0 || old[i - 1] == now[i - 1]) runs++;
            }
        }
        int length = Xbzrle.encode(Unpooled.wrappedBuffer(old), 0, Unpooled.wrappedBuffer(now), 0, PAGE, Unpooled.buffer(),
                Integer.MAX_VALUE);
        assertThat(length).isBetween(changedBytes + 2 * runs, changedBytes + 6 * runs);
    }

    @Property(tries = 300)
    void aLimitIsNeverExceededAndAMissLeavesTheOutputAsItWas(@ForAll @IntRange(min = 0, max = 5000) int limit,
                                                             @ForAll @IntRange(min = 0, max = 400) int changes,
                                                             @ForAll long seed) {
        byte[] old = randomPage(seed);
        byte[] now = changed(old, changes, 40, seed + 1);
        int full = Xbzrle.encode(Unpooled.wrappedBuffer(old), 0, Unpooled.wrappedBuffer(now), 0, PAGE, Unpooled.buffer(),
                Integer.MAX_VALUE);
        ByteBuf out = Unpooled.buffer().writeBytes(new byte[] {9, 9, 9});
        int length = Xbzrle.encode(Unpooled.wrappedBuffer(old), 0, Unpooled.wrappedBuffer(now), 0, PAGE, out, limit);
        if (full <= limit) {
            assertThat(length).isEqualTo(full);
            assertThat(out.readableBytes()).isEqualTo(3 + full);
        } else {
            assertThat(length).isEqualTo(-1);
            assertThat(out.readableBytes()).isEqualTo(3);
        }
    }

    @Example
    void theWorstCaseIsEveryOtherByteChangedAndAnUnchangedPageCostsNothing() {
        byte[] old = new byte[PAGE];
        byte[] now = new byte[PAGE];
        for (int i = 0; i < PAGE; i += 2) now[i] = 1;
        ByteBuf delta = Unpooled.buffer();
        int length = Xbzrle.encode(Unpooled.wrappedBuffer(old), 0, Unpooled.wrappedBuffer(now), 0, PAGE, delta, Integer.MAX_VALUE);
        assertThat(length).isEqualTo(PAGE / 2 * 3);  // per pair: 1 byte unchanged count, 1 byte changed count, the byte
        assertThat(applied(old, delta)).isEqualTo(now);

        assertThat(Xbzrle.encode(Unpooled.wrappedBuffer(now), 0, Unpooled.wrappedBuffer(now), 0, PAGE, Unpooled.buffer(), 0))
                .isZero();
    }

    @Property(tries = 1000)
    void randomBytesAsADeltaAreRefusedOrStayInsideThePage(@ForAll @Size(max = 64) byte[] bytes) {
        ByteBuf delta = Unpooled.wrappedBuffer(bytes);
        try {
            Xbzrle.check(delta, 0, bytes.length, 512);
        } catch (ProtocolException refused) {
            return;
        }
        HeapPages sink = new HeapPages(512, 3);
        Xbzrle.apply(delta, 0, bytes.length, 512, sink, 1);  // HeapPages throws on any write outside the page
        assertThat(sink.page(0)).containsOnly(0);
        assertThat(sink.page(2)).containsOnly(0);
    }

    @Example
    void malformedDeltasAreRefusedWithAReason() {
        refused(PAGE, new byte[] {(byte) 0x80}, "delta ends inside a varint");
        refused(PAGE, new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, 1}, "varint longer than 3 bytes");
        refused(PAGE, new byte[] {(byte) 0x81, 0, 1, 7}, "not in its shortest form");
        refused(PAGE, new byte[] {0, 0}, "empty changed run");
        refused(PAGE, new byte[] {0, 1, 7, 0, 1, 7}, "empty unchanged run after the first");
        refused(PAGE, new byte[] {0, 3, 7}, "delta ends inside a changed run");
        refused(2048, new byte[] {(byte) 0xFF, 0x0F, 2, 7, 7}, "runs past the end of a page of 2048 bytes");  // 2047 + 2
        refused(PAGE, new byte[] {(byte) 0x81, 0x20, 1, 7}, "delta run of 4097 bytes in a page of 4096");
    }

    private static void refused(int pageSize, byte[] delta, String reason) {
        assertThatThrownBy(() -> Xbzrle.check(Unpooled.wrappedBuffer(delta), 0, delta.length, pageSize))
                .isExactlyInstanceOf(ProtocolException.class)
                .hasMessageContaining(reason);
    }

    private static byte[] applied(byte[] old, ByteBuf delta) {
        HeapPages sink = new HeapPages(PAGE, 1);
        sink.setPage(0, old);
        Xbzrle.check(delta, delta.readerIndex(), delta.readableBytes(), PAGE);
        Xbzrle.apply(delta, delta.readerIndex(), delta.readableBytes(), PAGE, sink, 0);
        return sink.page(0);
    }

    private static byte[] randomPage(long seed) {
        byte[] page = new byte[PAGE];
        new Random(seed).nextBytes(page);
        return page;
    }

    /** {@code changes} runs of up to {@code maxRun} bytes, each byte really changed. */
    private static byte[] changed(byte[] old, int changes, int maxRun, long seed) {
        Random random = new Random(seed);
        byte[] now = Arrays.copyOf(old, old.length);
        for (int c = 0; c < changes; c++) {
            int at = random.nextInt(PAGE);
            int run = 1 + random.nextInt(maxRun);
            for (int i = at; i < Math.min(PAGE, at + run); i++) now[i] = (byte) (old[i] + 1 + random.nextInt(255));
        }
        return now;
    }
}
