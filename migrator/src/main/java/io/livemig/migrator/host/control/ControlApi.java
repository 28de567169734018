package io.livemig.migrator.host.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.livemig.migrator.host.Host;
import io.livemig.migrator.host.HostException;
import io.livemig.migrator.transport.HostPort;
import io.livemig.workloads.Sizes;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The control API's routes: a request (method, path, JSON body) to a {@link Host} call, and its
 * result or {@link HostException} to a status and a JSON body ({@code {"error": "..."}} for
 * errors). No HTTP here: {@link ControlServer} carries it. The routes are listed in docs/host.md.
 */
public final class ControlApi {
    /** How long a cancel waits for the migration to end before answering. */
    static final long CANCEL_WAIT_MS = 10_000;
    static final String JSON = "application/json";
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    /** An answer: HTTP status, content type, body. */
    public record Response(int status, String contentType, String body) {}

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Host host;

    public ControlApi(Host host) {
        this.host = host;
    }

    public Response handle(String method, String path, String body) {
        try {
            return route(method, segments(path), body);
        } catch (HostException e) {
            return error(e.kind().httpStatus(), e.getMessage());
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage());
        } catch (RuntimeException e) {
            return error(500, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private Response route(String method, List<String> p, String body) {
        int n = p.size();
        String resource = n == 0 ? "" : p.get(0);
        switch (resource) {
            case "host" -> {
                if (n == 1 && method.equals("GET")) return ok(host.summary());
            }
            case "metrics" -> {
                if (n == 1 && method.equals("GET")) return new Response(200, PROMETHEUS_TEXT, host.metrics());
            }
            case "guests" -> {
                if (n == 1 && method.equals("GET")) return ok(host.guests());
                if (n == 1 && method.equals("POST")) return created(boot(json(body)));
                if (n == 2 && method.equals("GET")) return ok(host.guest(p.get(1)));
                if (n == 2 && method.equals("DELETE")) return ok(host.stop(p.get(1)));
                if (n == 3 && p.get(2).equals("verify") && method.equals("POST")) return ok(host.verify(p.get(1)));
            }
            case "migrations" -> {
                if (n == 1 && method.equals("GET")) return ok(host.migrations());
                if (n == 1 && method.equals("POST")) return created(migrate(json(body)));
                if (n == 2 && method.equals("GET")) return ok(host.migration(p.get(1)));
                if (n == 3 && p.get(2).equals("cancel") && method.equals("POST")) return ok(host.cancel(p.get(1), CANCEL_WAIT_MS));
            }
            case "evacuations" -> {
                if (n == 1 && method.equals("POST")) return created(evacuate(json(body)));
                if (n == 2 && method.equals("GET")) return ok(host.evacuation(p.get(1)));
            }
            default -> {
                return error(404, "no such resource: /" + String.join("/", p) + " (see docs/host.md)");
            }
        }
        return error(n <= 3 ? 405 : 404, method + " /" + String.join("/", p) + " is not part of the API (see docs/host.md)");
    }

    private Map<String, Object> boot(JsonNode body) {
        return host.boot(text(body, "name", true), size(body, "memory", null), integer(body, "vcpus", null),
                text(body, "workload", true), (int) size(body, "page_size", 4096L));
    }

    private Map<String, Object> migrate(JsonNode body) {
        return host.migrate(text(body, "name", true), HostPort.parse(text(body, "to", true)), options(body));
    }

    private Map<String, Object> evacuate(JsonNode body) {
        JsonNode to = body.get("to");
        List<HostPort> targets = new ArrayList<>();
        if (to != null && to.isArray()) {
            for (JsonNode t : to) targets.add(HostPort.parse(t.asText()));
        } else if (to != null && to.isTextual()) {
            for (String t : to.asText().split(",")) if (!t.isBlank()) targets.add(HostPort.parse(t.strip()));
        }
        return host.evacuate(targets, integer(body, "parallel", 2), options(body));
    }

    /** The source options of a migration: {@code "options": {"bandwidth": "64m", "throttle-tailslow": true}}. */
    private static Map<String, Object> options(JsonNode body) {
        JsonNode options = body.get("options");
        Map<String, Object> map = new LinkedHashMap<>();
        if (options == null || options.isNull()) return map;
        if (!options.isObject()) throw new IllegalArgumentException("options must be an object of source options, e.g. {\"bandwidth\": \"64m\"}");
        for (Iterator<Map.Entry<String, JsonNode>> it = options.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            map.put(e.getKey(), v.isBoolean() ? (Object) v.booleanValue() : v.asText());
        }
        return map;
    }

    private static JsonNode json(String body) {
        if (body == null || body.isBlank()) return MAPPER.createObjectNode();
        try {
            JsonNode node = MAPPER.readTree(body);
            if (!(node instanceof ObjectNode)) throw new IllegalArgumentException("the request body must be a JSON object");
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode body, String field, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) throw new IllegalArgumentException("missing \"" + field + "\"");
            return null;
        }
        return v.asText();
    }

    private static long size(JsonNode body, String field, Long defaultValue) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (defaultValue == null) throw new IllegalArgumentException("missing \"" + field + "\"");
            return defaultValue;
        }
        return v.isNumber() ? v.longValue() : Sizes.parseSize(v.asText());
    }

    private static int integer(JsonNode body, String field, Integer defaultValue) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (defaultValue == null) throw new IllegalArgumentException("missing \"" + field + "\"");
            return defaultValue;
        }
        if (v.isInt()) return v.intValue();
        try {
            return Integer.parseInt(v.asText().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + field + "\" must be a whole number, got " + v);
        }
    }

    private static List<String> segments(String path) {
        String clean = path;
        int query = clean.indexOf('?');
        if (query >= 0) clean = clean.substring(0, query);
        List<String> segments = new ArrayList<>();
        for (String s : clean.split("/")) if (!s.isEmpty()) segments.add(s);
        return segments;
    }

    private static Response ok(Object body) {
        return new Response(200, JSON, write(body));
    }

    private static Response created(Object body) {
        return new Response(201, JSON, write(body));
    }

    static Response error(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message == null ? "unknown error" : message.replace('\n', ' '));
        return new Response(status, JSON, write(body));
    }

    static String write(Object body) {
        try {
            return io.livemig.migrator.stats.StatsJson.mapper().writeValueAsString(body) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
