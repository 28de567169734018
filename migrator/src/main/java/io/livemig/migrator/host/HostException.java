package io.livemig.migrator.host;

/** A request the host cannot carry out; the kind says whose fault it is (the control API's HTTP status). */
public final class HostException extends RuntimeException {
    /** Why, as the control API answers it. */
    public enum Kind {
        /** The request is malformed or names impossible values (400). */
        BAD_REQUEST(400),
        /** No guest, migration or evacuation of that name or id (404). */
        NOT_FOUND(404),
        /** Valid, but not now: the name is taken, the budget is full, the guest is migrating (409). */
        CONFLICT(409),
        /** It was tried and failed (500). */
        FAILED(500);

        private final int httpStatus;

        Kind(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        public int httpStatus() {
            return httpStatus;
        }
    }

    private final Kind kind;

    public HostException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    static HostException badRequest(String message) {
        return new HostException(Kind.BAD_REQUEST, message);
    }

    static HostException notFound(String message) {
        return new HostException(Kind.NOT_FOUND, message);
    }

    static HostException conflict(String message) {
        return new HostException(Kind.CONFLICT, message);
    }
}
