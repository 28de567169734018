package io.livemig.migrator.protocol;

/** Either way, before {@link Commit}: the migration is abandoned and the guest resumes on the source. */
public record Abort(String reason) implements Message {

    public Abort {
        Utf8.encode("reason", reason);
    }

    /** An abort for any text, such as an exception message: cut to the string limit, never refused. */
    public static Abort because(String reason) {
        return new Abort(Utf8.fit(reason));
    }

    @Override
    public MessageType type() {
        return MessageType.ABORT;
    }
}
