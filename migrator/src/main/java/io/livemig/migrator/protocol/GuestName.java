package io.livemig.migrator.protocol;

/**
 * Source to destination, optional, after the handshake and before {@code GuestOffer}: the name the
 * guest goes by, so a host agent can keep it (and refuse a second guest of the same name). A
 * destination that has no use for it ignores it. 1..{@value #MAX_CHARS} characters of
 * {@code [A-Za-z0-9._-]}.
 */
public record GuestName(String name) implements Message {
    public static final int MAX_CHARS = 64;
    private static final java.util.regex.Pattern VALID = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1," + MAX_CHARS + "}");

    public GuestName {
        Utf8.encode("name", name);
        if (!isValid(name)) {
            throw new IllegalArgumentException("guest name '" + name + "' is not 1.." + MAX_CHARS + " characters of A-Z a-z 0-9 . _ -");
        }
    }

    /** Whether {@code name} may name a guest. */
    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    @Override
    public MessageType type() {
        return MessageType.GUEST_NAME;
    }
}
