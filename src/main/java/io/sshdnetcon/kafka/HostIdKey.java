package io.sshdnetcon.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sshdnetcon.event.JsonReadLimits;
import java.io.IOException;

/**
 * Finds {@code host.id} in an ECS event without building a tree, to key records by host: all events
 * of a host then land in one partition, in order, which the sequence rule relies on. Accepts the
 * nested form ({@code "host": {"id": ...}}) and the dotted one ({@code "host.id"}). Returns null
 * for anything else (missing, not a string, not JSON); such records go unkeyed and the job judges
 * them.
 */
public final class HostIdKey {

    /** No symbol table: it is shared by every producing thread, and colliding keys overflow it. */
    private static final JsonFactory JSON =
            JsonReadLimits.factory(0, JsonReadLimits.MAX_RULE_VALUE_CHARS, false);

    private HostIdKey() {}

    public static String find(byte[] buf, int off, int len) {
        try (JsonParser p = JSON.createParser(buf, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("host.id")) {
                    return value == JsonToken.VALUE_STRING ? p.getText() : null;
                }
                if (name.equals("host") && value == JsonToken.START_OBJECT) {
                    String id = idInHost(p);
                    if (id != null) {
                        return id;
                    }
                } else {
                    p.skipChildren();
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null; // the record goes unkeyed and the job judges it
        }
    }

    /** Reads the rest of the {@code host} object; null when it has no string {@code id}. */
    private static String idInHost(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("id") && value == JsonToken.VALUE_STRING) {
                return p.getText();
            }
            p.skipChildren();
        }
        return null;
    }
}
