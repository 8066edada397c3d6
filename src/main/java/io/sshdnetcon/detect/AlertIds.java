package io.sshdnetcon.detect;

import io.sshdnetcon.event.RuleEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic alert ids: SHA-256 over the rule id and the two events' identities, so a replay, a
 * restart or a duplicate delivery writes the same document id and Elasticsearch keeps one copy.
 *
 * <p>An event's identity is its {@code event.id}; an event without one is identified by a SHA-256
 * of its raw bytes. Each component is length-prefixed, so no choice of ids can make two different
 * triples hash the same input.
 */
public final class AlertIds {

    private static final HexFormat HEX = HexFormat.of();

    private AlertIds() {}

    public static String of(String ruleId, RuleEvent exec, RuleEvent connect) {
        MessageDigest digest = sha256();
        update(digest, ruleId);
        update(digest, identity(exec));
        update(digest, identity(connect));
        return HEX.formatHex(digest.digest());
    }

    /** {@code event.id:<id>}, or {@code sha256:<hex of the raw bytes>} when the event has none. */
    public static String identity(RuleEvent event) {
        if (event.eventId() != null) {
            return "event.id:" + event.eventId();
        }
        return "sha256:" + HEX.formatHex(sha256().digest(event.raw()));
    }

    private static void update(MessageDigest digest, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
        digest.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM provides SHA-256", e);
        }
    }
}
