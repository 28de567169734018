package io.livemig.migrator.cli;

/** {@code --verify}: when the memory digests of both ends are compared. */
enum VerifyWhen implements Spelled {
    /** Before the guest resumes on the destination: a mismatch is an abort, the guest stays on the source. */
    BEFORE_RESUME("before-resume"),
    /** After it resumed: out of the downtime; a mismatch stops the guest on the destination. */
    AFTER_RESUME("after-resume");

    private final String spelling;

    VerifyWhen(String spelling) {
        this.spelling = spelling;
    }

    @Override
    public String spelling() {
        return spelling;
    }

    @Override
    public String toString() {
        return spelling;
    }

    static final class Converter extends Spelled.Converter<VerifyWhen> {
        Converter() { super(VerifyWhen.class); }
    }

    static final class Choices extends Spelled.Choices<VerifyWhen> {
        Choices() { super(VerifyWhen.class); }
    }
}
