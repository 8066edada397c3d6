package io.sshdnetcon.detect;

import java.util.Arrays;
import java.util.Objects;

/**
 * An alert, serialized once.
 *
 * @param id the deterministic document id ({@link AlertIds})
 * @param timestamp the alert's {@code @timestamp} (the network event's time), epoch ms
 * @param json the complete ECS alert document, UTF-8 JSON
 */
public record AlertDocument(String id, long timestamp, byte[] json) {

    @Override
    public boolean equals(Object o) {
        return o instanceof AlertDocument other
                && timestamp == other.timestamp
                && Objects.equals(id, other.id)
                && Arrays.equals(json, other.json);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, timestamp) * 31 + Arrays.hashCode(json);
    }

    @Override
    public String toString() {
        return "AlertDocument{" + id + " @" + timestamp + ", " + json.length + " bytes}";
    }
}
