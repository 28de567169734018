package io.livemig.workloads;

/** Quoting of user input echoed in error messages, so a message stays one printable line. */
final class Text {
    private Text() {}

    /** {@code 'text'} with control characters shown as {@code \n}, {@code \t} or {@code \}{@code uXXXX}. */
    static String quote(String text) {
        if (text == null) return "null";
        StringBuilder sb = new StringBuilder(text.length() + 2).append('\'');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || Character.getType(c) == Character.LINE_SEPARATOR
                            || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('\'').toString();
    }
}
