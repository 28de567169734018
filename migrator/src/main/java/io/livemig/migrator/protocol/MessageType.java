package io.livemig.migrator.protocol;

/** The type code of each frame (header byte 0). Code 0 is reserved as invalid; codes never change meaning. */
public enum MessageType {
    HELLO(1),
    HELLO_ACK(2),
    AUTH_PROOF(3),
    GUEST_OFFER(4),
    ACCEPT(5),
    REFUSE(6),
    PAGE_BATCH(7),
    ROUND_END(8),
    VCPU_STATE(9),
    STOP_AND_COPY_DONE(10),
    READY(11),
    COMMIT(12),
    RESUMED(13),
    ABORT(14),
    ROUND_ACK(15),
    DIGEST_CHECK(16),
    OUTCOME_QUERY(17),
    OUTCOME(18),
    // post-copy (codes 20..29)
    POSTCOPY_PREPARE(20),
    POSTCOPY_ATTACH(21),
    MISSING_MAP(22),
    POSTCOPY_START(23),
    PAGE_REQUEST(24),
    POSTCOPY_PUSH_DONE(25),
    POSTCOPY_COMPLETE(26),
    POSTCOPY_RESUME(27),
    POSTCOPY_RESUME_ACK(28),
    // data channels (codes 30..39)
    CHANNEL_PLAN(30),
    CHANNEL_ATTACH(31),
    // clock offset and latency figures (codes 40..44)
    CLOCK_PROBE(40),
    CLOCK_REPLY(41),
    LATENCY_REQUEST(42),
    LATENCY_REPORT(43),
    // link probe for livemig estimate and --policy auto (codes 50..59)
    LINK_PROBE(50),
    LINK_PROBE_REPLY(51),
    // host agents (codes 60..69)
    GUEST_NAME(60);

    private static final MessageType[] BY_CODE = new MessageType[256];

    static {
        for (MessageType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** @throws ProtocolException for code 0 (reserved) and codes no message uses */
    public static MessageType fromCode(int code) {
        if (code == 0) {
            throw new ProtocolException("frame type 0 is reserved as invalid");
        }
        MessageType type = code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        if (type == null) {
            throw new ProtocolException("unknown frame type " + code);
        }
        return type;
    }
}
