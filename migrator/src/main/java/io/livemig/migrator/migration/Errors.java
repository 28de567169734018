package io.livemig.migrator.migration;

/** One-line descriptions of failures for users: the message, not a stack trace. */
public final class Errors {
    private Errors() {}

    public static String describe(Throwable e) {
        if (e == null) return "unknown cause";
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root && (root.getMessage() == null || root.getMessage().isBlank())) {
            root = root.getCause();
        }
        String message = root.getMessage();
        if (message == null || message.isBlank()) return root.getClass().getSimpleName();
        return message.replace('\n', ' ');
    }
}
