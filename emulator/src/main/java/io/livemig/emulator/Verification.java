package io.livemig.emulator;

/** A guest program's verdict on its own invariants. */
public record Verification(boolean ok, String detail) {
    public static Verification passed(String detail) { return new Verification(true, detail); }

    public static Verification failed(String detail) { return new Verification(false, detail); }
}
