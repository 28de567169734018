package io.livemig.migrator.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.ByteOrder;
import java.util.List;

/**
 * Encodes every {@link Message} into a complete frame and decodes every frame back. Payload
 * layouts (big-endian) are listed in {@code docs/protocol.md}; PAGE_BATCH frames are usually
 * built by {@link PageBatchEncoder} instead, without an intermediate {@link PageBatch}.
 */
public final class MessageCodec {

    private MessageCodec() {
    }

    /** A complete frame, header and CRC included, in a buffer from {@code alloc}. */
    public static ByteBuf encode(ByteBufAllocator alloc, Message message) {
        ByteBuf out = alloc.buffer(FrameFormat.HEADER_BYTES + payloadSizeHint(message) + FrameFormat.TRAILER_BYTES);
        try {
            int start = out.writerIndex();
            FrameFormat.writeHeader(out, message.type());
            writePayload(message, out);
            FrameFormat.finishFrame(out, start);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /**
     * Writes the frames of {@code messages} into {@code out}, one after the other: for a sequence
     * that goes out in one write (the switch to post-copy, through {@code Connection.sendPages}),
     * encoded by the sending thread into a buffer it made ahead, so the event loop only writes it.
     * {@code out} grows if it must.
     */
    public static void encodeAll(ByteBuf out, List<? extends Message> messages) {
        if (messages.isEmpty()) throw new IllegalArgumentException("nothing to encode");
        for (Message message : messages) {
            int start = out.writerIndex();
            FrameFormat.writeHeader(out, message.type());
            writePayload(message, out);
            FrameFormat.finishFrame(out, start);
        }
    }

    /** About the bytes {@code message}'s frame takes: exact for the switch's messages, a guess for others. */
    public static int frameBytesHint(Message message) {
        return FrameFormat.HEADER_BYTES + payloadSizeHint(message) + FrameFormat.TRAILER_BYTES;
    }

    /**
     * Decodes one frame: header and payload from {@code frame.readerIndex()}, CRC already checked
     * and stripped by {@link FrameDecoder}. A {@link PageBatch} result retains part of
     * {@code frame}; the frame itself is not released.
     *
     * @throws ProtocolException for any malformed header or payload
     */
    public static Message decode(ByteBuf frame) {
        if (frame.readableBytes() < FrameFormat.HEADER_BYTES) {
            throw new ProtocolException("frame of " + frame.readableBytes() + " bytes is shorter than its header");
        }
        int start = frame.readerIndex();
        int payloadBytes = FrameFormat.checkHeader(frame, start, Integer.MAX_VALUE);
        if (payloadBytes != frame.readableBytes() - FrameFormat.HEADER_BYTES) {
            throw new ProtocolException("frame header announces " + payloadBytes + " payload bytes, frame has "
                    + (frame.readableBytes() - FrameFormat.HEADER_BYTES));
        }
        MessageType type = MessageType.fromCode(frame.getUnsignedByte(start));
        PayloadReader in = new PayloadReader(type, frame.slice(start + FrameFormat.HEADER_BYTES, payloadBytes));
        Message message;
        try {
            message = readPayload(type, in);
        } catch (IllegalArgumentException e) {
            // The records' own validation, applied to what the peer sent.
            throw new ProtocolException("invalid " + type + ": " + e.getMessage(), e);
        }
        if (!(message instanceof PageBatch)) {
            in.expectEnd();
        }
        return message;
    }

    private static Message readPayload(MessageType type, PayloadReader in) {
        return switch (type) {
            case HELLO -> new Hello(in.readInt(), in.readBytes(ProtocolLimits.NONCE_BYTES));
            case HELLO_ACK -> new HelloAck(in.readInt(), in.readBytes(ProtocolLimits.NONCE_BYTES),
                    in.readSizedBytes("proof", ProtocolLimits.MAX_PROOF_BYTES));
            case AUTH_PROOF -> new AuthProof(in.readSizedBytes("proof", ProtocolLimits.MAX_PROOF_BYTES));
            case GUEST_OFFER -> new GuestOffer(in.readLong(), in.readInt(), in.readInt(), in.readString("workloadSpec"),
                    OfferMode.fromCode(in.readUnsignedByte()));
            case ACCEPT -> new Accept();
            case REFUSE -> new Refuse(in.readString("reason"));
            case GUEST_NAME -> new GuestName(in.readString("name"));
            case PAGE_BATCH -> readPageBatch(in);
            case ROUND_END -> new RoundEnd(in.readInt(), in.readLong());
            case ROUND_ACK -> new RoundAck(in.readInt(), in.readLong());
            case VCPU_STATE -> new VcpuState(in.readInt(), in.readLongs(VcpuState.REGISTER_COUNT));
            case STOP_AND_COPY_DONE -> new StopAndCopyDone(in.readLong(), in.readLong(), in.readFlag("digestAfterResume"));
            case DIGEST_CHECK -> new DigestCheck(in.readLong());
            case OUTCOME_QUERY -> new OutcomeQuery(in.readBytes(ProtocolLimits.NONCE_BYTES));
            case OUTCOME -> new Outcome(in.readFlag("committed"));
            case READY -> new Ready();
            case COMMIT -> new Commit();
            case RESUMED -> new Resumed(in.readLong(), in.readLong());
            case ABORT -> new Abort(in.readString("reason"));
            case POSTCOPY_PREPARE -> new PostcopyPrepare(in.readFlag("precopyFirst"));
            case POSTCOPY_ATTACH -> new PostcopyAttach(in.readBytes(ProtocolLimits.NONCE_BYTES));
            case MISSING_MAP -> readMissingMap(in);
            case POSTCOPY_START -> new PostcopyStart(in.readLong(), in.readLong(), in.readLong());
            case PAGE_REQUEST -> new PageRequest(in.readLong());
            case POSTCOPY_PUSH_DONE -> new PostcopyPushDone(in.readLong(), in.readLong());
            case POSTCOPY_COMPLETE -> new PostcopyComplete(in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                    in.readLong(), in.readLong(), in.readLong(), in.readLongs(in.readCount("vcpus", ProtocolLimits.MAX_VCPUS)));
            case POSTCOPY_RESUME -> new PostcopyResume(in.readBytes(ProtocolLimits.NONCE_BYTES));
            case POSTCOPY_RESUME_ACK -> new PostcopyResumeAck(in.readLong());
            case CHANNEL_PLAN -> new ChannelPlan(in.readInt());
            case CHANNEL_ATTACH -> new ChannelAttach(in.readBytes(ProtocolLimits.NONCE_BYTES), in.readInt());
            case CLOCK_PROBE -> new ClockProbe(in.readLong());
            case CLOCK_REPLY -> new ClockReply(in.readLong(), in.readLong(), in.readLong());
            case LATENCY_REQUEST -> new LatencyRequest(in.readLong());
            case LATENCY_REPORT -> readLatencyReport(in);
            case LINK_PROBE -> readLinkProbe(in);
            case LINK_PROBE_REPLY -> new LinkProbeReply(in.readInt(), in.readLong(), in.readLong());
        };
    }

    /** The filler is skipped, never copied. */
    private static LinkProbe readLinkProbe(PayloadReader in) {
        int burst = in.readInt();
        boolean last = in.readFlag("last");
        int filler = in.readInt();
        ProtocolLimits.checkRange("filler bytes", filler, 0, LinkProbe.MAX_FILLER_BYTES);
        in.need(filler);
        in.buffer().skipBytes(filler);
        return new LinkProbe(burst, last, filler);
    }

    private static MissingMap readMissingMap(PayloadReader in) {
        long firstPage = in.readLong();
        return new MissingMap(firstPage, in.readLongs(in.readCount("words", MissingMap.MAX_WORDS)));
    }

    /** Walks the entries once to check the layout and count pages; the bytes stay in the frame. */
    private static PageBatch readPageBatch(PayloadReader in) {
        long checkedBytes = Integer.toUnsignedLong(in.readInt());
        int pageSize = ProtocolLimits.checkPageSize(in.readInt());
        long entryCount = Integer.toUnsignedLong(in.readInt());
        PageCompression compression = PageCompression.fromCode(in.readUnsignedByte());
        if (in.readUnsignedByte() != 0 || in.readUnsignedShort() != 0) {
            throw new ProtocolException("PAGE_BATCH header has non-zero reserved bytes");
        }
        long dataBytes = Integer.toUnsignedLong(in.readInt());
        if (checkedBytes != PageBatch.HEADER_BYTES + entryCount * PageEntry.BYTES) {
            throw new ProtocolException("PAGE_BATCH of " + entryCount + " entries announces " + checkedBytes + " checked bytes");
        }
        if (dataBytes > PageBatch.MAX_DATA_BYTES) {
            throw new ProtocolException("PAGE_BATCH announces " + dataBytes + " data bytes, more than " + PageBatch.MAX_DATA_BYTES);
        }
        in.need(entryCount * PageEntry.BYTES);
        ByteBuf payload = in.buffer();
        int normalPages = 0;
        int zeroPages = 0;
        int deltaPages = 0;
        long entryDataBytes = 0;
        for (long i = 0; i < entryCount; i++) {
            long entry = payload.readLong();
            entryDataBytes += PageEntry.dataBytes(entry, pageSize);
            switch (PageEntry.kind(entry)) {
                case PageEntry.NORMAL -> normalPages++;
                case PageEntry.ZERO -> zeroPages++;
                default -> deltaPages++;
            }
        }
        if (entryDataBytes != dataBytes) {
            throw new ProtocolException("PAGE_BATCH entries need " + entryDataBytes + " data bytes, header says " + dataBytes);
        }
        int dataWireBytes = payload.readableBytes();
        if (compression == PageCompression.NONE ? dataWireBytes != dataBytes : dataWireBytes == 0 && dataBytes > 0) {
            throw new ProtocolException("PAGE_BATCH data block of " + dataWireBytes + " bytes for " + dataBytes
                    + " bytes of " + compression + " data");
        }
        payload.readerIndex(payload.readerIndex() - (int) (entryCount * PageEntry.BYTES));
        return new PageBatch(pageSize, normalPages, zeroPages, deltaPages, compression, (int) dataBytes, in.readRetainedRest());
    }

    private static LatencyReport readLatencyReport(PayloadReader in) {
        long windowNanos = in.readLong();
        LatencyReport.LatencySummary summary = readLatencySummary(in);
        int count = in.readUnsignedShort();
        if (count > LatencyReport.MAX_INTERVALS) {
            throw new ProtocolException("LATENCY_REPORT of " + count + " intervals exceeds " + LatencyReport.MAX_INTERVALS);
        }
        java.util.List<LatencyReport.Interval> intervals = new java.util.ArrayList<>(count);
        for (int i = 0; i < count; i++) intervals.add(new LatencyReport.Interval(in.readLong(), in.readLong(), readLatencySummary(in)));
        return new LatencyReport(windowNanos, summary, intervals);
    }

    private static LatencyReport.LatencySummary readLatencySummary(PayloadReader in) {
        return new LatencyReport.LatencySummary(in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong());
    }

    private static void writeLatencySummary(ByteBuf out, LatencyReport.LatencySummary s) {
        out.writeLong(s.ops()).writeLong(s.p50Nanos()).writeLong(s.p99Nanos()).writeLong(s.p999Nanos()).writeLong(s.maxNanos());
    }

    private static void writePayload(Message message, ByteBuf out) {
        switch (message.type()) {
            case HELLO -> {
                Hello m = (Hello) message;
                out.writeInt(m.protocolVersion()).writeBytes(m.nonce());
            }
            case HELLO_ACK -> {
                HelloAck m = (HelloAck) message;
                out.writeInt(m.protocolVersion()).writeBytes(m.nonce());
                writeSizedBytes(out, m.proof());
            }
            case AUTH_PROOF -> writeSizedBytes(out, ((AuthProof) message).proof());
            case GUEST_OFFER -> {
                GuestOffer m = (GuestOffer) message;
                out.writeLong(m.memoryBytes()).writeInt(m.pageSize()).writeInt(m.vcpus());
                writeString(out, "workloadSpec", m.workloadSpec());
                out.writeByte(m.mode().code());
            }
            case REFUSE -> writeString(out, "reason", ((Refuse) message).reason());
            case GUEST_NAME -> writeString(out, "name", ((GuestName) message).name());
            case PAGE_BATCH -> {
                PageBatch m = (PageBatch) message;
                out.writeInt(PageBatch.HEADER_BYTES + m.pageCount() * PageEntry.BYTES).writeInt(m.pageSize())
                        .writeInt(m.pageCount()).writeByte(m.compression().code()).writeByte(0).writeShort(0)
                        .writeInt(m.dataBytes());
                out.writeBytes(m.body(), m.body().readerIndex(), m.body().readableBytes());
            }
            case ROUND_END -> {
                RoundEnd m = (RoundEnd) message;
                out.writeInt(m.round()).writeLong(m.pagesSent());
            }
            case DIGEST_CHECK -> out.writeLong(((DigestCheck) message).memoryDigest());
            case OUTCOME_QUERY -> out.writeBytes(((OutcomeQuery) message).migrationId());
            case OUTCOME -> out.writeByte(((Outcome) message).committed() ? 1 : 0);
            case ROUND_ACK -> {
                RoundAck m = (RoundAck) message;
                out.writeInt(m.round()).writeLong(m.pagesLoaded());
            }
            case VCPU_STATE -> {
                VcpuState m = (VcpuState) message;
                out.writeInt(m.vcpu());
                writeLongValues(out, m.registers());
            }
            case STOP_AND_COPY_DONE -> {
                StopAndCopyDone m = (StopAndCopyDone) message;
                out.writeLong(m.memoryDigest()).writeLong(m.sourcePauseNanos()).writeByte(m.digestAfterResume() ? 1 : 0);
            }
            case RESUMED -> {
                Resumed resumed = (Resumed) message;
                out.writeLong(resumed.resumedAtNanos());
                out.writeLong(resumed.firstOpMicros());
            }
            case ABORT -> writeString(out, "reason", ((Abort) message).reason());
            case POSTCOPY_PREPARE -> out.writeByte(((PostcopyPrepare) message).precopyFirst() ? 1 : 0);
            case POSTCOPY_ATTACH -> out.writeBytes(((PostcopyAttach) message).migrationId());
            case MISSING_MAP -> {
                MissingMap m = (MissingMap) message;
                out.writeLong(m.firstPage());
                writeLongs(out, m.words());
            }
            case POSTCOPY_START -> {
                PostcopyStart m = (PostcopyStart) message;
                out.writeLong(m.sourcePauseNanos()).writeLong(m.missingPages()).writeLong(m.recoverTimeoutMillis());
            }
            case PAGE_REQUEST -> out.writeLong(((PageRequest) message).page());
            case POSTCOPY_PUSH_DONE -> {
                PostcopyPushDone m = (PostcopyPushDone) message;
                out.writeLong(m.pagesSent()).writeLong(m.memoryDigest());
            }
            case POSTCOPY_COMPLETE -> {
                PostcopyComplete m = (PostcopyComplete) message;
                out.writeLong(m.memoryDigest()).writeLong(m.guestOps()).writeLong(m.firstOpMicros()).writeLong(m.faults())
                        .writeLong(m.pagesRequested()).writeLong(m.faultLatencyP50Nanos())
                        .writeLong(m.faultLatencyP99Nanos()).writeLong(m.faultLatencyMaxNanos());
                writeLongs(out, m.blocktimeNanosPerVcpu());
            }
            case POSTCOPY_RESUME -> out.writeBytes(((PostcopyResume) message).migrationId());
            case POSTCOPY_RESUME_ACK -> out.writeLong(((PostcopyResumeAck) message).missingPages());
            case CHANNEL_PLAN -> out.writeInt(((ChannelPlan) message).channels());
            case CHANNEL_ATTACH -> {
                ChannelAttach m = (ChannelAttach) message;
                out.writeBytes(m.migrationId()).writeInt(m.index());
            }
            case CLOCK_PROBE -> out.writeLong(((ClockProbe) message).sourceNanos());
            case CLOCK_REPLY -> {
                ClockReply m = (ClockReply) message;
                out.writeLong(m.sourceNanos()).writeLong(m.destinationNanos()).writeLong(m.destinationWallMicros());
            }
            case LATENCY_REQUEST -> out.writeLong(((LatencyRequest) message).windowNanos());
            case LATENCY_REPORT -> {
                LatencyReport m = (LatencyReport) message;
                out.writeLong(m.windowNanos());
                writeLatencySummary(out, m.summary());
                out.writeShort(m.intervals().size());
                for (LatencyReport.Interval interval : m.intervals()) {
                    out.writeLong(interval.startNanos()).writeLong(interval.endNanos());
                    writeLatencySummary(out, interval.summary());
                }
            }
            case LINK_PROBE -> {
                LinkProbe m = (LinkProbe) message;
                out.writeInt(m.burst()).writeByte(m.last() ? 1 : 0).writeInt(m.fillerBytes()).writeZero(m.fillerBytes());
            }
            case LINK_PROBE_REPLY -> {
                LinkProbeReply m = (LinkProbeReply) message;
                out.writeInt(m.burst()).writeLong(m.bytesAfterFirst()).writeLong(m.firstToLastNanos());
            }
            case ACCEPT, READY, COMMIT -> {
                // no payload
            }
        }
    }

    private static int payloadSizeHint(Message message) {
        if (message instanceof PageBatch batch) return PageBatch.HEADER_BYTES + batch.body().readableBytes();
        if (message instanceof MissingMap map) return 12 + map.wordCount() * Long.BYTES;
        if (message instanceof VcpuState) return Integer.BYTES + VcpuState.REGISTER_COUNT * Long.BYTES;
        if (message instanceof LatencyReport report) return 64 + 56 * report.intervals().size();
        if (message instanceof LinkProbe probe) return 9 + probe.fillerBytes();
        return 64;
    }

    /** A u32 count, then the values. */
    private static void writeLongs(ByteBuf out, long[] values) {
        out.writeInt(values.length);
        writeLongValues(out, values);
    }

    /**
     * The values, big-endian, in one bulk copy: a missing-page map of a 1 GiB guest is 4096 words,
     * and one {@code writeLong} each would cost milliseconds in the switch-over pause while that
     * code is not yet compiled.
     */
    private static void writeLongValues(ByteBuf out, long[] values) {
        int bytes = values.length * Long.BYTES;
        out.ensureWritable(bytes);
        out.nioBuffer(out.writerIndex(), bytes).order(ByteOrder.BIG_ENDIAN).asLongBuffer().put(values);
        out.writerIndex(out.writerIndex() + bytes);
    }

    private static void writeSizedBytes(ByteBuf out, byte[] bytes) {
        out.writeShort(bytes.length).writeBytes(bytes);
    }

    private static void writeString(ByteBuf out, String field, String s) {
        writeSizedBytes(out, Utf8.encode(field, s));
    }
}
