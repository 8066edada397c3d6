package io.sshdnetcon.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The one builder of test events: ECS JSON lines shaped like the examples table of {@code
 * docs/semantics.md}. Host h1, an exec E of entity X whose parent is /usr/sbin/sshd, and a network
 * event N whose parent is X (curl to 8.8.8.8). Times are milliseconds after {@link #BEGINNING}.
 *
 * <p>The events carry the fields an alert copies (host name, pid, user, source, network), so one
 * shape serves the parser, the oracle, the alert writer and the jobs. A test changes one field with
 * {@link Builder#set} or {@link Builder#setJson}, removes one with {@link Builder#remove}, or takes
 * the text with {@link Builder#toString} to write what a builder cannot (repeated keys, bad bytes).
 */
public final class SpecEvents {

    public static final Instant BEGINNING = Instant.parse("2026-01-05T10:00:00Z");
    public static final long ONE_SECOND = 1000;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SpecEvents() {}

    /** Exec E: sshd starts bash (entity X) on h1. */
    public static Builder exec(String eventId) {
        return new Builder()
                .set("@timestamp", iso(0))
                .set("event.id", eventId)
                .set("event.kind", "event")
                .array("event.category", "process")
                .array("event.type", "start")
                .set("event.action", "exec")
                .set("host.id", "h1")
                .set("host.name", "web-01")
                .set("host.os.type", "linux")
                .set("process.entity_id", "X")
                .set("process.pid", 4242)
                .set("process.name", "bash")
                .set("process.executable", "/usr/bin/bash")
                .set("process.parent.entity_id", "SSHD-1")
                .set("process.parent.name", "sshd")
                .set("process.parent.executable", "/usr/sbin/sshd")
                .set("user.name", "alice");
    }

    /** Network N: curl (entity C, parent X) on h1 attempts a connection to 8.8.8.8:443. */
    public static Builder connect(String eventId) {
        return new Builder()
                .set("@timestamp", iso(0))
                .set("event.id", eventId)
                .set("event.kind", "event")
                .array("event.category", "network")
                .array("event.type", "start")
                .set("event.action", "connection_attempted")
                .set("host.id", "h1")
                .set("host.name", "web-01")
                .set("host.os.type", "linux")
                .set("process.entity_id", "C-" + eventId)
                .set("process.pid", 4343)
                .set("process.name", "curl")
                .set("process.executable", "/usr/bin/curl")
                .set("process.parent.entity_id", "X")
                .set("process.parent.executable", "/usr/bin/bash")
                .set("destination.ip", "8.8.8.8")
                .set("destination.port", 443)
                .set("source.ip", "10.1.1.5")
                .set("source.port", 51000)
                .set("network.transport", "tcp")
                .set("network.direction", "egress")
                .set("user.name", "alice");
    }

    /** An unrelated event (a Windows process start on w1) that still moves event time forward. */
    public static Builder unrelated(String eventId) {
        return new Builder()
                .set("@timestamp", iso(0))
                .set("event.id", eventId)
                .array("event.category", "process")
                .array("event.type", "start")
                .set("event.action", "start")
                .set("host.id", "w1")
                .set("host.os.type", "windows")
                .set("process.name", "svchost.exe");
    }

    public static String iso(long millisAfterBeginning) {
        return BEGINNING.plusMillis(millisAfterBeginning).toString();
    }

    /** A mutable ECS document; paths are dotted and written as nested objects. */
    public static final class Builder {
        private final ObjectNode root = MAPPER.createObjectNode();

        public Builder at(long millisAfterBeginning) {
            return set("@timestamp", iso(millisAfterBeginning));
        }

        public Builder host(String hostId) {
            return set("host.id", hostId);
        }

        public Builder entity(String entityId) {
            return set("process.entity_id", entityId);
        }

        public Builder parentEntity(String entityId) {
            return set("process.parent.entity_id", entityId);
        }

        public Builder destination(String ip) {
            return set("destination.ip", ip);
        }

        public Builder processName(String name) {
            return set("process.name", name);
        }

        public Builder set(String path, Object value) {
            ObjectNode parent = parentOf(path);
            parent.set(leaf(path), MAPPER.valueToTree(value));
            return this;
        }

        public Builder array(String path, Object... values) {
            return set(path, values);
        }

        /** Sets a JSON value given as text, e.g. {@code ["8.8.8.8", null]} or {@code {"x":1}}. */
        public Builder setJson(String path, String json) {
            try {
                return set(path, MAPPER.readTree(json));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(json, e);
            }
        }

        /** Removes a field, so that it is missing rather than null. */
        public Builder remove(String path) {
            parentOf(path).remove(leaf(path));
            return this;
        }

        public String json() {
            return root.toString();
        }

        public byte[] bytes() {
            return json().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return json();
        }

        private ObjectNode parentOf(String path) {
            String[] segments = path.split("\\.");
            ObjectNode node = root;
            for (int i = 0; i < segments.length - 1; i++) {
                JsonNode child = node.get(segments[i]);
                node = child instanceof ObjectNode o ? o : node.putObject(segments[i]);
            }
            return node;
        }

        private static String leaf(String path) {
            return path.substring(path.lastIndexOf('.') + 1);
        }
    }
}
