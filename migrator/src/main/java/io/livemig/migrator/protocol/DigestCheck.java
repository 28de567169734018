package io.livemig.migrator.protocol;

/**
 * Either way, after RESUMED, when the digest check was deferred ({@link StopAndCopyDone#digestAfterResume()}):
 * the source sends the digest of its memory at pause, the destination answers with the digest of
 * its memory at resume; both compare.
 */
public record DigestCheck(long memoryDigest) implements Message {

    @Override
    public MessageType type() {
        return MessageType.DIGEST_CHECK;
    }
}
