package io.sshdnetcon.parse;

import io.sshdnetcon.event.Swar;
import java.nio.charset.StandardCharsets;

/**
 * Reads the two values every record contributes to per-host time, {@code @timestamp} and {@code
 * host.id}, straight from the bytes of a record the prefilter ruled out, without a JSON parser.
 *
 * <p>It walks the top-level object member by member, skipping values by their brackets and quotes,
 * reads {@code host.id} from {@code "host":{"id":…}} or a dotted {@code "host.id"} key, and stops
 * as soon as it has both. It does not validate what it skips; anything it does not expect on its
 * way (an escape in a key or in one of the two values, a non-string value, a missing field, broken
 * structure, a last byte other than the closing brace) makes it give up, and the caller parses the
 * record in full instead.
 *
 * <p>Host ids are kept in a small cache keyed by their bytes, so a fleet's recurring hosts cost no
 * allocation. Not thread-safe: one instance per parser.
 */
final class RecordClockScan {

    private static final byte[] TIMESTAMP = ascii("@timestamp");
    private static final byte[] HOST = ascii("host");
    private static final byte[] HOST_ID = ascii("host.id");
    private static final byte[] ID = ascii("id");

    private static final int GIVE_UP = -1;

    private static final long EVERY_QUOTE = Swar.every('"');
    private static final long EVERY_BACKSLASH = Swar.every('\\');

    private final HostIds hostIds = new HostIds();
    private final AsciiSlice timestampText = new AsciiSlice();

    private long timestamp;
    private String hostId;

    /** The key of the member being read: its first byte and the index of its closing quote. */
    private int keyStart;

    private int keyEnd;

    /** The {@code @timestamp} of the last successful {@link #scan}, epoch ms. */
    long timestamp() {
        return timestamp;
    }

    /** The {@code host.id} of the last successful {@link #scan}. */
    String hostId() {
        return hostId;
    }

    /**
     * Looks for both values in the {@code len} bytes at {@code off}.
     *
     * @return whether both were found as single strings and the time is valid; if not, the record
     *     must be parsed in full
     */
    boolean scan(byte[] b, int off, int len) {
        timestamp = EventTimestamps.INVALID;
        hostId = null;
        int end = off + len;
        // A cut-off record, the commonest damage, must not move its host's time: the scan stops
        // early and would not notice.
        int last = end - 1;
        while (last >= off && isWhitespace(b[last])) {
            last--;
        }
        if (last < off || b[last] != '}') {
            return false;
        }
        int i = skipWhitespace(b, off, end);
        if (i >= end || b[i] != '{') {
            return false;
        }
        i = skipWhitespace(b, i + 1, end);
        if (i < end && b[i] == '}') {
            return false;
        }
        while (i < end) {
            i = memberValue(b, i, end);
            if (i == GIVE_UP) {
                return false;
            }
            int keyLength = keyEnd - keyStart;
            if (timestamp == EventTimestamps.INVALID
                    && sameBytes(b, keyStart, keyLength, TIMESTAMP)) {
                i = readTimestamp(b, i, end);
            } else if (hostId == null && sameBytes(b, keyStart, keyLength, HOST_ID)) {
                i = readHostId(b, i, end);
            } else if (hostId == null && sameBytes(b, keyStart, keyLength, HOST) && b[i] == '{') {
                i = readHostObject(b, i, end);
            } else {
                i = skipValue(b, i, end);
            }
            if (i == GIVE_UP) {
                return false;
            }
            if (timestamp != EventTimestamps.INVALID && hostId != null) {
                return true;
            }
            i = skipWhitespace(b, i, end);
            if (i >= end || b[i] != ',') {
                return false; // the object ended, or broke, without both
            }
            i = skipWhitespace(b, i + 1, end);
        }
        return false;
    }

    /**
     * Reads the key of the member at {@code i} (its opening quote) into {@link #keyStart} and
     * {@link #keyEnd}, and the colon after it.
     *
     * @return the index of the member's value, or {@link #GIVE_UP}
     */
    private int memberValue(byte[] b, int i, int end) {
        keyStart = i + 1;
        keyEnd = plainString(b, i, end);
        if (keyEnd == GIVE_UP) {
            return GIVE_UP;
        }
        i = skipWhitespace(b, keyEnd + 1, end);
        if (i >= end || b[i] != ':') {
            return GIVE_UP;
        }
        i = skipWhitespace(b, i + 1, end);
        return i < end ? i : GIVE_UP;
    }

    private int readTimestamp(byte[] b, int i, int end) {
        int close = plainString(b, i, end);
        if (close == GIVE_UP) {
            return GIVE_UP;
        }
        timestamp = EventTimestamps.parseEpochMillis(timestampText.of(b, i + 1, close));
        return timestamp == EventTimestamps.INVALID ? GIVE_UP : close + 1;
    }

    private int readHostId(byte[] b, int i, int end) {
        int close = plainString(b, i, end);
        if (close == GIVE_UP) {
            return GIVE_UP;
        }
        hostId = hostIds.get(b, i + 1, close - i - 1);
        return hostId == null ? GIVE_UP : close + 1;
    }

    /** The members of {@code "host":{…}}: its {@code id}, every other value skipped. */
    private int readHostObject(byte[] b, int i, int end) {
        i = skipWhitespace(b, i + 1, end);
        if (i < end && b[i] == '}') {
            return i + 1;
        }
        while (i < end) {
            i = memberValue(b, i, end);
            if (i == GIVE_UP) {
                return GIVE_UP;
            }
            if (hostId == null && sameBytes(b, keyStart, keyEnd - keyStart, ID)) {
                i = readHostId(b, i, end);
            } else {
                i = skipValue(b, i, end);
            }
            if (i == GIVE_UP) {
                return GIVE_UP;
            }
            i = skipWhitespace(b, i, end);
            if (i >= end) {
                return GIVE_UP;
            }
            if (b[i] == '}') {
                return i + 1;
            }
            if (b[i] != ',') {
                return GIVE_UP;
            }
            i = skipWhitespace(b, i + 1, end);
        }
        return GIVE_UP;
    }

    /** The index after the value starting at {@code i}, found by its quotes and brackets. */
    private static int skipValue(byte[] b, int i, int end) {
        byte first = b[i];
        if (first == '"') {
            int close = stringEnd(b, i + 1, end);
            return close == GIVE_UP ? GIVE_UP : close + 1;
        }
        if (first == '{' || first == '[') {
            int depth = 0;
            while (i < end) {
                byte c = b[i];
                if (c == '"') {
                    i = stringEnd(b, i + 1, end);
                    if (i == GIVE_UP) {
                        return GIVE_UP;
                    }
                } else if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    if (--depth == 0) {
                        return i + 1;
                    }
                }
                i++;
            }
            return GIVE_UP;
        }
        // A number, true, false or null: up to the next delimiter.
        while (i < end) {
            byte c = b[i];
            if (c == ',' || c == '}' || c == ']' || isWhitespace(c)) {
                return i;
            }
            i++;
        }
        return GIVE_UP;
    }

    /** The index of the quote closing the string whose content starts at {@code i}. */
    private static int stringEnd(byte[] b, int i, int end) {
        while (true) {
            i = quoteOrBackslash(b, i, end);
            if (i == GIVE_UP || b[i] == '"') {
                return i;
            }
            i += 2; // the escaped character cannot close the string
        }
    }

    /**
     * The index of the quote closing the string that opens at {@code i}, giving up if there is no
     * string there or it holds an escape: the bytes must be the value itself.
     */
    private static int plainString(byte[] b, int i, int end) {
        if (b[i] != '"') {
            return GIVE_UP;
        }
        int close = quoteOrBackslash(b, i + 1, end);
        return close == GIVE_UP || b[close] == '"' ? close : GIVE_UP;
    }

    /**
     * The index of the first quote or backslash at or after {@code i}. Most of a record's bytes are
     * inside strings, so this is where the scan spends its time: eight bytes at a time.
     */
    private static int quoteOrBackslash(byte[] b, int i, int end) {
        for (; i + Swar.BYTES <= end; i += Swar.BYTES) {
            long found = Swar.matches(Swar.word(b, i), EVERY_QUOTE, EVERY_BACKSLASH);
            if (found != 0) {
                return i + Swar.lowest(found); // the lowest is always a real match
            }
        }
        for (; i < end; i++) {
            if (b[i] == '"' || b[i] == '\\') {
                return i;
            }
        }
        return GIVE_UP;
    }

    private static int skipWhitespace(byte[] b, int i, int end) {
        while (i < end && isWhitespace(b[i])) {
            i++;
        }
        return i;
    }

    private static boolean isWhitespace(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    private static boolean sameBytes(byte[] b, int at, int length, byte[] key) {
        if (length != key.length) {
            return false;
        }
        for (int j = 0; j < length; j++) {
            if (b[at + j] != key[j]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A reusable view of ASCII bytes as characters, for the timestamp parser. */
    private static final class AsciiSlice implements CharSequence {
        private byte[] bytes;
        private int from;
        private int length;

        AsciiSlice of(byte[] b, int start, int end) {
            bytes = b;
            from = start;
            length = end - start;
            return this;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int index) {
            // A non-ASCII byte becomes a char no timestamp accepts.
            return (char) (bytes[from + index] & 0xff);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new String(bytes, from + start, end - start, StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            return new String(bytes, from, length, StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * Host ids by their bytes: a direct-mapped table of the last id seen per hash slot. Only ASCII
     * ids are cached or returned; null for others, so the caller parses those records in full
     * (which decodes UTF-8 and checks it).
     */
    private static final class HostIds {
        private static final int SLOTS = 4096;
        private static final int MAX_LENGTH = 256;
        private final byte[][] keys = new byte[SLOTS][];
        private final String[] values = new String[SLOTS];

        String get(byte[] b, int at, int length) {
            if (length > MAX_LENGTH) {
                return null;
            }
            int h = 1;
            for (int j = 0; j < length; j++) {
                byte c = b[at + j];
                if (c < 0x20) { // also every non-ASCII byte: signed, so negative
                    return null;
                }
                h = 31 * h + c;
            }
            int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
            byte[] key = keys[slot];
            if (key != null && sameBytes(b, at, length, key)) {
                return values[slot];
            }
            byte[] copy = java.util.Arrays.copyOfRange(b, at, at + length);
            String id = new String(copy, StandardCharsets.ISO_8859_1);
            keys[slot] = copy;
            values[slot] = id;
            return id;
        }
    }
}
