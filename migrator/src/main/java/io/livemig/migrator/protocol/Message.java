package io.livemig.migrator.protocol;

/**
 * A protocol message: one frame on the wire. Each is an immutable record that validates its
 * fields on construction (an {@link IllegalArgumentException} for a local mistake; the decoder
 * turns the same check into a {@link ProtocolException} for a peer's). {@link MessageCodec}
 * encodes and decodes them all; see {@code docs/protocol.md} for the table and the sequence.
 */
public sealed interface Message
        permits Hello, HelloAck, AuthProof, GuestOffer, Accept, Refuse, PageBatch, RoundEnd, RoundAck, DigestCheck, OutcomeQuery, Outcome, VcpuState,
        StopAndCopyDone, Ready, Commit, Resumed, Abort,
        PostcopyPrepare, PostcopyAttach, MissingMap, PostcopyStart, PageRequest, PostcopyPushDone, PostcopyComplete,
        PostcopyResume, PostcopyResumeAck, ChannelPlan, ChannelAttach,
        ClockProbe, ClockReply, LatencyRequest, LatencyReport,
        GuestName, LinkProbe, LinkProbeReply {

    MessageType type();
}
