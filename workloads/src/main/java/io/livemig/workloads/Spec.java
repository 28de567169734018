package io.livemig.workloads;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A parsed workload spec {@code NAME[:key=value,...]}: a name and its parameters in the order
 * given. Only the syntax is checked here; {@link Workloads} checks names, keys and values.
 */
public record Spec(String name, Map<String, String> params) {
    private static final String GRAMMAR = "expected NAME[:key=value,...], e.g. memwrite:wss=512m,rate=300m";

    public Spec {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    public static Spec parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("empty workload spec: " + GRAMMAR);
        String t = text.strip();
        int colon = t.indexOf(':');
        String name = colon < 0 ? t : t.substring(0, colon);
        if (!isWord(name)) throw new IllegalArgumentException("bad workload spec " + Text.quote(text) + ": " + GRAMMAR);
        Map<String, String> params = new LinkedHashMap<>();
        if (colon >= 0) {
            String rest = t.substring(colon + 1);
            for (String pair : rest.split(",", -1)) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair.strip() : pair.substring(0, eq).strip();
                String value = eq < 0 ? "" : pair.substring(eq + 1).strip();
                if (eq < 0 || !isWord(key) || value.isEmpty() || value.contains("=") || value.contains(":")) {
                    throw new IllegalArgumentException("bad parameter " + Text.quote(pair) + " in workload spec " + Text.quote(text) + ": " + GRAMMAR);
                }
                if (params.putIfAbsent(key, value) != null) {
                    throw new IllegalArgumentException("key '" + key + "' given twice in workload spec " + Text.quote(text));
                }
            }
        }
        return new Spec(name, params);
    }

    @Override
    public String toString() {
        if (params.isEmpty()) return name;
        StringBuilder sb = new StringBuilder(name).append(':');
        String sep = "";
        for (Map.Entry<String, String> e : params.entrySet()) {
            sb.append(sep).append(e.getKey()).append('=').append(e.getValue());
            sep = ",";
        }
        return sb.toString();
    }

    private static boolean isWord(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) return false;
        }
        return true;
    }
}
