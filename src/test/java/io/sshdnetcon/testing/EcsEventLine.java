package io.sshdnetcon.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Test data builder that reads like the examples in semantics.md: host h1, exec E of entity X whose
 * parent is /usr/sbin/sshd, and a connection N from a child of X (curl to 8.8.8.8). Times are
 * offsets from {@link #T0}.
 */
public final class EcsEventLine {

    public static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");
    public static final String HOST = "h1";
    public static final String SHELL = "X";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode root = JSON.createObjectNode();

    private EcsEventLine() {}

    /** Stage-1 shape: sshd exec'd a shell, entity X, on h1 at T0. */
    public static EcsEventLine exec(String eventId) {
        return new EcsEventLine()
                .at(0)
                .set("event.id", eventId)
                .set("event.kind", "event")
                .set("event.category", JSON.createArrayNode().add("process"))
                .set("event.type", JSON.createArrayNode().add("start"))
                .set("event.action", "exec")
                .set("host.id", HOST)
                .set("host.os.type", "linux")
                .set("process.entity_id", SHELL)
                .set("process.name", "bash")
                .set("process.executable", "/usr/bin/bash")
                .set("process.parent.entity_id", "SSHD-SESSION")
                .set("process.parent.executable", "/usr/sbin/sshd");
    }

    /** Stage-2 shape: a child of X (curl) attempts a connection to 8.8.8.8 on h1 at T0. */
    public static EcsEventLine connect(String eventId) {
        return new EcsEventLine()
                .at(0)
                .set("event.id", eventId)
                .set("event.kind", "event")
                .set("event.category", JSON.createArrayNode().add("network"))
                .set("event.type", JSON.createArrayNode().add("start"))
                .set("event.action", "connection_attempted")
                .set("host.id", HOST)
                .set("host.os.type", "linux")
                .set("process.entity_id", "CURL-" + eventId)
                .set("process.name", "curl")
                .set("process.executable", "/usr/bin/curl")
                .set("process.parent.entity_id", SHELL)
                .set("destination.ip", "8.8.8.8")
                .set("destination.port", 443);
    }

    /** An unrelated event (a Windows process start) that still moves event time forward. */
    public static EcsEventLine unrelated(String eventId) {
        return new EcsEventLine()
                .at(0)
                .set("event.id", eventId)
                .set("event.category", JSON.createArrayNode().add("process"))
                .set("event.type", JSON.createArrayNode().add("start"))
                .set("event.action", "start")
                .set("host.id", "w1")
                .set("host.os.type", "windows")
                .set("process.name", "svchost.exe");
    }

    public EcsEventLine at(long offsetMs) {
        return set("@timestamp", T0.plusMillis(offsetMs).toString());
    }

    public EcsEventLine host(String hostId) {
        return set("host.id", hostId);
    }

    public EcsEventLine destination(String ip) {
        return set("destination.ip", ip);
    }

    /** Sets a nested field by its dotted path, creating the objects on the way. */
    public EcsEventLine set(String path, Object value) {
        ObjectNode parent = parentOf(path);
        String leaf = path.substring(path.lastIndexOf('.') + 1);
        parent.set(leaf, JSON.valueToTree(value));
        return this;
    }

    /** Removes a nested field (so it is missing, not null). */
    public EcsEventLine remove(String path) {
        parentOf(path).remove(path.substring(path.lastIndexOf('.') + 1));
        return this;
    }

    /** Sets a JSON value given as text, e.g. {@code ["8.8.8.8", null]} or {@code {"x":1}}. */
    public EcsEventLine setJson(String path, String json) {
        try {
            return set(path, JSON.readTree(json));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    private ObjectNode parentOf(String path) {
        // "@timestamp" is a top-level key; every other dot is nesting.
        if (path.equals("@timestamp")) {
            return root;
        }
        ObjectNode node = root;
        String[] parts = path.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            node = child instanceof ObjectNode object ? object : node.putObject(parts[i]);
        }
        return node;
    }

    public ObjectNode tree() {
        return root.deepCopy();
    }

    public byte[] bytes() {
        return toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
