package io.livemig.migrator.migration;

import io.livemig.migrator.stats.MigrationStats;

import java.util.Objects;

/**
 * What a destination knows of the memory digest of a guest it received: the digests matched
 * (before resume, or after it with {@code --verify after-resume}); or the check after resume did
 * not finish, so the guest runs unverified; or it found a mismatch, and the guest was stopped.
 * A source that completed a migration knows it from its stats ({@link #of(MigrationStats)}).
 *
 * @param reason why the digest was not verified (null when it was)
 */
public record DigestVerdict(Kind kind, String reason) {
    public enum Kind { VERIFIED, NOT_VERIFIED, MISMATCH }

    public DigestVerdict {
        Objects.requireNonNull(kind, "kind");
        if (kind != Kind.VERIFIED) Objects.requireNonNull(reason, "reason");
    }

    /** The digests matched. */
    public static DigestVerdict matched() {
        return new DigestVerdict(Kind.VERIFIED, null);
    }

    /** The check did not finish (the source's digest never came): the guest runs, unverified. */
    public static DigestVerdict notVerified(String reason) {
        return new DigestVerdict(Kind.NOT_VERIFIED, reason);
    }

    /** The digests differed after resume: the guest was stopped. */
    public static DigestVerdict mismatch(String detail) {
        return new DigestVerdict(Kind.MISMATCH, detail);
    }

    /**
     * What a completed migration's stats say of the digest: verified, or not verified with the
     * stats' {@code error} as the reason (the check after resume did not finish, or found a mismatch).
     */
    public static DigestVerdict of(MigrationStats completed) {
        if (completed.digestVerified()) return matched();
        return notVerified(completed.error() != null ? completed.error() : "no digest check was made");
    }

    public boolean verified() {
        return kind == Kind.VERIFIED;
    }

    /** The words {@code livemig dest} and {@code livemig source} print for it. */
    public String words() {
        return switch (kind) {
            case VERIFIED -> "digest verified";
            case NOT_VERIFIED -> "digest NOT verified (" + reason + ")";
            case MISMATCH -> "digest mismatch: guest stopped";
        };
    }
}
