package io.sshdnetcon.testing;

import static io.sshdnetcon.testing.SpecEvents.connect;
import static io.sshdnetcon.testing.SpecEvents.exec;

import io.sshdnetcon.event.DeadLetterReason;
import io.sshdnetcon.event.JsonReadLimits;
import io.sshdnetcon.testing.ReplayRun.AlertPair;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Hostile input, generated deterministically: deep nesting, enormous and numerous keys, huge
 * arrays, invalid UTF-8, endless numbers and keys that collide once dots are expanded. Each case is
 * a qualifying pair (sshd's exec and, 100 ms later, its child's connection to 8.8.8.8) on a host
 * and in a minute of its own, with the hostile part in one of the two events, so that alert
 * building meets it too. A case within the limits alerts exactly as the detection contract says;
 * one beyond them dead-letters its hostile event under its own reason, and then its exec has no
 * partner.
 *
 * <p>Every record stays within the default record limit (4 MiB) unless its case is about that.
 */
public final class HostileCorpus {

    /** The parser's default record limit, which every replay and streaming test uses. */
    public static final int RECORD_LIMIT = 4 * 1024 * 1024;

    /** One hostile pair and its expected outcome. */
    public record Case(
            String name,
            byte[] exec,
            byte[] connect,
            DeadLetterReason execReason,
            DeadLetterReason connectReason,
            boolean alerts) {

        public String execId() {
            return name + "-E";
        }

        public String connectId() {
            return name + "-N";
        }

        /** The expected alert, or null. */
        public AlertPair alert() {
            return alerts ? AlertPair.of(execId(), connectId()) : null;
        }

        public List<byte[]> lines() {
            return List.of(exec, connect);
        }
    }

    private final List<Case> cases = new ArrayList<>();

    private HostileCorpus() {}

    /** Every hostile case, in a fixed order. */
    public static List<Case> all() {
        HostileCorpus c = new HostileCorpus();
        c.nesting();
        c.keys();
        c.manyKeys();
        c.arrays();
        c.numbers();
        c.strings();
        c.utf8();
        c.collisions();
        c.recordSize();
        return List.copyOf(c.cases);
    }

    /** The lines of {@code cases} in order: each exec, then its connection. */
    public static List<byte[]> lines(List<Case> cases) {
        List<byte[]> lines = new ArrayList<>();
        cases.forEach(c -> lines.addAll(c.lines()));
        return lines;
    }

    /** The exec and the connection of the exact reproduction of issue 13. */
    public static List<byte[]> issue13Reproduction() {
        return HostileCorpus.all().stream()
                .filter(c -> c.name().equals("dotted-key-25000-segments"))
                .findFirst()
                .orElseThrow()
                .lines();
    }

    // --- the cases -----------------------------------------------------------------------------

    private void nesting() {
        int max = JsonReadLimits.MAX_NESTING_DEPTH;
        // The root object is level 1, so "deep" can hold max - 1 more levels.
        connectWith(
                "objects-10000-deep",
                field("deep", nestedObjects(10_000)),
                DeadLetterReason.NESTING_TOO_DEEP);
        connectWith(
                "arrays-10000-deep",
                field("deep", nestedArrays(10_000)),
                DeadLetterReason.NESTING_TOO_DEEP);
        connectWith("objects-at-the-depth-limit", field("deep", nestedObjects(max - 1)), null);
        connectWith(
                "objects-past-the-depth-limit",
                field("deep", nestedObjects(max)),
                DeadLetterReason.NESTING_TOO_DEEP);
        connectWith("arrays-at-the-depth-limit", field("deep", nestedArrays(max - 1)), null);
        connectWith(
                "arrays-past-the-depth-limit",
                field("deep", nestedArrays(max)),
                DeadLetterReason.NESTING_TOO_DEEP);
        // A dotted key nests as deep as the objects it stands for, and both add up.
        connectWith("dotted-path-at-the-limit", field(dotted("a", max), "1"), null);
        connectWith(
                "dotted-path-past-the-limit",
                field(dotted("a", max + 1), "1"),
                DeadLetterReason.NESTING_TOO_DEEP);
        connectWith(
                "objects-and-dots-past-the-limit",
                field("deep", nest("{\"d\":", 50, "{" + quoted(dotted("a", 60)) + ":1}", "}")),
                DeadLetterReason.NESTING_TOO_DEEP);
        execWith(
                "dotted-path-at-the-limit-in-the-exec",
                field("process." + dotted("a", max - 1), "1"),
                null);
        execWith(
                "objects-10000-deep-in-the-exec",
                field("deep", nestedObjects(10_000)),
                DeadLetterReason.NESTING_TOO_DEEP);
        // Copied into the alert: the alert document nests exactly as deep as the limit allows.
        connectWith(
                "dotted-path-at-the-limit-in-process",
                field("process." + dotted("a", max - 1), "1"),
                null);
    }

    private void keys() {
        connectWith(
                "dotted-key-25000-segments",
                field(dotted("a", 25_000), "1"),
                DeadLetterReason.NAME_TOO_LONG);
        connectWith(
                "key-of-1-mib", field("k".repeat(1 << 20), "1"), DeadLetterReason.NAME_TOO_LONG);
        connectWith(
                "key-at-the-name-limit",
                field("k".repeat(JsonReadLimits.MAX_NAME_BYTES), "1"),
                null);
        connectWith(
                "key-past-the-name-limit",
                field("k".repeat(JsonReadLimits.MAX_NAME_BYTES + 1), "1"),
                DeadLetterReason.NAME_TOO_LONG);
    }

    private void manyKeys() {
        connectWith(
                "400000-keys-in-one-object", field("labels", manyKeysObject(400_000, false)), null);
        execWith("400000-keys-in-the-exec", field("labels", manyKeysObject(400_000, false)), null);
        connectWith(
                "400000-keys-and-a-duplicate",
                field("labels", manyKeysObject(400_000, true)),
                DeadLetterReason.DUPLICATE_KEY);
        // Keys that share String.hashCode and collide in Jackson's symbol table too.
        List<String> colliding = collidingKeys(16);
        connectWith(
                "65536-keys-with-one-hash-code",
                field("labels", "{" + joinedKeys(colliding) + "}"),
                null);
        // Just below the symbol table's overflow, then looked up again and again.
        String some = "{" + joinedKeys(colliding.subList(0, 900)) + "}";
        connectWith(
                "colliding-keys-in-100-objects",
                field("labels", "[" + repeatJoined(some, 100) + "]"),
                null);
    }

    /** All 2^pairs keys made of "Aa" and "BB", which share one String.hashCode. */
    private static List<String> collidingKeys(int pairs) {
        List<String> keys = new ArrayList<>(List.of(""));
        for (int i = 0; i < pairs; i++) {
            List<String> next = new ArrayList<>(keys.size() * 2);
            for (String prefix : keys) {
                next.add(prefix + "Aa");
                next.add(prefix + "BB");
            }
            keys = next;
        }
        return keys;
    }

    private static String joinedKeys(List<String> keys) {
        StringBuilder s = new StringBuilder();
        for (String key : keys) {
            s.append(s.length() == 0 ? "" : ",").append('"').append(key).append("\":0");
        }
        return s.toString();
    }

    private void arrays() {
        // "0," per element: 2,000,000 elements are about 4 MB, within the record limit.
        connectWith(
                "array-of-2000000-numbers",
                field("labels", "{\"big\":[" + repeatJoined("0", 2_000_000) + "]}"),
                null);
        // A field the rule reads: any element may match ("network" is the last).
        cases.add(
                pair(
                        "category-of-900000-elements",
                        execBytes("category-of-900000-elements"),
                        utf8(
                                qualifyingConnect("category-of-900000-elements")
                                        .json()
                                        .replace(
                                                "\"category\":[\"network\"]",
                                                "\"category\":["
                                                        + repeatJoined("\"x\"", 900_000)
                                                        + ",\"network\"]")),
                        null,
                        null,
                        true));
        cases.add(
                pair(
                        "destination-of-300000-addresses",
                        execBytes("destination-of-300000-addresses"),
                        utf8(
                                qualifyingConnect("destination-of-300000-addresses")
                                        .json()
                                        .replace(
                                                "\"ip\":\"8.8.8.8\"",
                                                "\"ip\":["
                                                        + repeatJoined("\"8.8.8.8\"", 300_000)
                                                        + "]")),
                        null,
                        null,
                        true));
    }

    private void numbers() {
        int max = JsonReadLimits.MAX_NUMBER_CHARS;
        connectWith(
                "integer-of-5000-digits",
                field("n", "9".repeat(5000)),
                DeadLetterReason.NUMBER_TOO_LONG);
        connectWith(
                "fraction-of-5000-digits",
                field("n", "0." + "1".repeat(5000)),
                DeadLetterReason.NUMBER_TOO_LONG);
        connectWith("integer-at-the-number-limit", field("n", "9".repeat(max)), null);
        connectWith("huge-exponent", field("n", "1e999999999"), null);
    }

    private void strings() {
        int max = JsonReadLimits.MAX_RULE_VALUE_CHARS;
        cases.add(
                pair(
                        "process-name-past-the-string-limit",
                        execBytes("process-name-past-the-string-limit"),
                        qualifyingConnect("process-name-past-the-string-limit")
                                .processName("p".repeat(max + 1))
                                .bytes(),
                        null,
                        DeadLetterReason.STRING_TOO_LONG,
                        false));
        cases.add(
                pair(
                        "process-name-at-the-string-limit",
                        execBytes("process-name-at-the-string-limit"),
                        qualifyingConnect("process-name-at-the-string-limit")
                                .processName("p".repeat(max))
                                .bytes(),
                        null,
                        null,
                        true));
        // Skipped strings are bounded only by the record size.
        connectWith("skipped-string-of-3-mib", field("message", quoted("m".repeat(3 << 20))), null);
    }

    private void utf8() {
        // In a skipped value: Jackson itself catches a broken two-byte sequence...
        connectWith(
                "broken-sequence-in-a-skipped-value",
                fieldBytes("message", bytes("\"a", 0xC3, '(', "b\"")),
                DeadLetterReason.NOT_JSON);
        // ...but decodes overlong forms and surrogates leniently, and skips without decoding.
        connectWith(
                "overlong-slash-in-a-skipped-value",
                fieldBytes("message", bytes("\"a", 0xC0, 0xAF, "b\"")),
                DeadLetterReason.NOT_JSON);
        connectWith(
                "surrogate-in-a-key",
                rawField(bytes("\"k", 0xED, 0xA0, 0x80, "\":1")),
                DeadLetterReason.NOT_JSON);
        connectWith(
                "byte-ff-in-a-skipped-value",
                fieldBytes("message", bytes("\"a", 0xFF, "b\"")),
                DeadLetterReason.NOT_JSON);
        // In fields the rule reads: "/usr/sbin/sshd" with an overlong '/' must not be sshd.
        String n = "overlong-slash-in-the-parent-executable";
        cases.add(
                pair(
                        n,
                        replace(
                                exec(name(n, "E")).host(host(n)).at(minute(n)).bytes(),
                                "\"executable\":\"/usr/sbin/sshd\"",
                                bytes("\"executable\":\"", 0xC0, 0xAF, "usr/sbin/sshd\"")),
                        qualifyingConnect(n).bytes(),
                        DeadLetterReason.NOT_JSON,
                        null,
                        false));
        n = "invalid-byte-in-the-host-id";
        cases.add(
                pair(
                        n,
                        exec(name(n, "E")).host(host(n)).at(minute(n)).bytes(),
                        replace(
                                qualifyingConnect(n).bytes(),
                                "\"id\":\"" + host(n) + "\"",
                                bytes("\"id\":\"" + host(n), 0xF5, 0x80, 0x80, 0x80, "\"")),
                        null,
                        DeadLetterReason.NOT_JSON,
                        false));
        // Valid multi-byte text is of course fine, in keys and in values the rule reads.
        n = "multibyte-utf8-everywhere";
        cases.add(
                pair(
                        n,
                        exec(name(n, "E"))
                                .host(host(n) + "-\u00e4\u20ac\ud83d\ude00")
                                .at(minute(n))
                                .bytes(),
                        qualifyingConnect(n)
                                .host(host(n) + "-\u00e4\u20ac\ud83d\ude00")
                                .set("labels.k\u00e4y\ud83d\ude00", "v\u00e4lue")
                                .bytes(),
                        null,
                        null,
                        true));
    }

    private void collisions() {
        // The same path written dotted and nested is one multi-valued field.
        String n = "dotted-and-nested-process-name";
        cases.add(
                pair(
                        n,
                        execBytes(n),
                        prepend(
                                qualifyingConnect(n).processName("b").json(),
                                "\"process.name\":\"a\""),
                        null,
                        null,
                        true));
        // ...and one excluded value is enough to exclude the connection.
        n = "dotted-ssh-and-nested-name";
        cases.add(
                pair(
                        n,
                        execBytes(n),
                        prepend(
                                qualifyingConnect(n).processName("b").json(),
                                "\"process.name\":\"ssh\""),
                        null,
                        null,
                        false));
        // A scalar where the namespace's object would be: the dotted keys still carry the fields.
        n = "dotted-keys-and-a-scalar-process";
        cases.add(
                pair(
                        n,
                        execBytes(n),
                        utf8(dottedConnect(n, ",\"process\":\"scalar\"")),
                        null,
                        null,
                        true));
        n = "empty-segments";
        cases.add(
                pair(
                        n,
                        execBytes(n),
                        prepend(
                                qualifyingConnect(n).json(),
                                "\"a..b\":1,\".a\":2,\"a.\":3,\".\":4,\"labels.a..b\":5"),
                        null,
                        null,
                        true));
        n = "empty-segments-in-process";
        cases.add(
                pair(
                        n,
                        execBytes(n),
                        replace(
                                qualifyingConnect(n).bytes(),
                                "\"process\":{",
                                utf8("\"process\":{\"a..b\":1,\".a\":2,\"a.\":3,")),
                        null,
                        null,
                        true));
    }

    private void recordSize() {
        connectWith(
                "record-past-the-size-limit",
                field("message", quoted("m".repeat(RECORD_LIMIT))),
                DeadLetterReason.RECORD_TOO_LARGE);
    }

    // --- building blocks -----------------------------------------------------------------------

    /** A pair whose connection gains {@code extra} (",key:value" bytes) as its last field. */
    private void connectWith(String name, byte[] extra, DeadLetterReason connectReason) {
        cases.add(
                pair(
                        name,
                        execBytes(name),
                        append(qualifyingConnect(name).bytes(), extra),
                        null,
                        connectReason,
                        connectReason == null));
    }

    /** A pair whose exec gains {@code extra} (",key:value" bytes) as its last field. */
    private void execWith(String name, byte[] extra, DeadLetterReason execReason) {
        cases.add(
                pair(
                        name,
                        append(execBytes(name), extra),
                        qualifyingConnect(name).bytes(),
                        execReason,
                        null,
                        execReason == null));
    }

    private static byte[] append(byte[] json, byte[] extra) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length + extra.length);
        out.write(json, 0, json.length - 1); // without the closing brace
        out.writeBytes(extra);
        out.write('}');
        return out.toByteArray();
    }

    private Case pair(
            String name,
            byte[] exec,
            byte[] connect,
            DeadLetterReason execReason,
            DeadLetterReason connectReason,
            boolean alerts) {
        if (cases.stream().anyMatch(c -> c.name().equals(name))) {
            throw new IllegalStateException("duplicate case " + name);
        }
        return new Case(name, exec, connect, execReason, connectReason, alerts);
    }

    private byte[] execBytes(String name) {
        return exec(name(name, "E")).host(host(name)).at(minute(name)).bytes();
    }

    private SpecEvents.Builder qualifyingConnect(String name) {
        return connect(name(name, "N")).host(host(name)).at(minute(name) + 100);
    }

    /** The connection with every field the rule reads as a dotted key at the top level. */
    private String dottedConnect(String name, String extra) {
        return "{\"@timestamp\":\""
                + SpecEvents.iso(minute(name) + 100)
                + "\""
                + ",\"event.id\":\""
                + name(name, "N")
                + "\""
                + ",\"event.category\":[\"network\"],\"event.type\":[\"start\"]"
                + ",\"event.action\":\"connection_attempted\""
                + ",\"host.id\":\""
                + host(name)
                + "\",\"host.os.type\":\"linux\""
                + ",\"process.name\":\"x\",\"process.entity_id\":\"C\""
                + ",\"process.parent.entity_id\":\"X\",\"destination.ip\":\"8.8.8.8\""
                + extra
                + "}";
    }

    private static String name(String caseName, String suffix) {
        return caseName + "-" + suffix;
    }

    private static String host(String caseName) {
        return "hostile-" + caseName;
    }

    /** Each case in a minute of its own: the next free one while the case is being built. */
    private long minute(String caseName) {
        return (cases.size() + 1) * 60_000L;
    }

    private static byte[] field(String key, String rawValue) {
        return utf8("," + quoted(key) + ":" + rawValue);
    }

    private static byte[] fieldBytes(String key, byte[] rawValue) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(utf8("," + quoted(key) + ":"));
        out.writeBytes(rawValue);
        return out.toByteArray();
    }

    private static byte[] rawField(byte[] keyAndValue) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(',');
        out.writeBytes(keyAndValue);
        return out.toByteArray();
    }

    /** {@code json} with {@code fields} inserted as its first fields. */
    private static byte[] prepend(String json, String fields) {
        return utf8("{" + fields + "," + json.substring(1));
    }

    private static byte[] replace(byte[] json, String target, byte[] replacement) {
        String text = new String(json, StandardCharsets.UTF_8);
        int at = text.indexOf(target);
        if (at < 0) {
            throw new IllegalArgumentException("no " + target + " in " + text);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(utf8(text.substring(0, at)));
        out.writeBytes(replacement);
        out.writeBytes(utf8(text.substring(at + target.length())));
        return out.toByteArray();
    }

    private static String nestedObjects(int levels) {
        return nest("{\"d\":", levels, "1", "}");
    }

    private static String nestedArrays(int levels) {
        return nest("[", levels, "", "]");
    }

    private static String nest(String open, int levels, String inner, String close) {
        return open.repeat(levels) + inner + close.repeat(levels);
    }

    private static String dotted(String segment, int segments) {
        return String.join(".", java.util.Collections.nCopies(segments, segment));
    }

    private static String repeatJoined(String element, int count) {
        StringBuilder s = new StringBuilder(count * (element.length() + 1));
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                s.append(',');
            }
            s.append(element);
        }
        return s.toString();
    }

    /**
     * An object of {@code count} distinct short keys; optionally its first key again at the end.
     */
    private static String manyKeysObject(int count, boolean duplicateLast) {
        StringBuilder s = new StringBuilder(count * 9);
        s.append('{');
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                s.append(',');
            }
            s.append('"').append(Integer.toString(i, Character.MAX_RADIX)).append("\":0");
        }
        if (duplicateLast) {
            s.append(",\"0\":1");
        }
        return s.append('}').toString();
    }

    private static String quoted(String s) {
        return "\"" + s + "\"";
    }

    /** Text and raw bytes (given as ints 0..255) in sequence. */
    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof String s) {
                out.writeBytes(utf8(s));
            } else if (part instanceof Character c) {
                out.write(c);
            } else {
                out.write((Integer) part);
            }
        }
        return out.toByteArray();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
