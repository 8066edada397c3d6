package io.sshdnetcon.fleet;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a valid event line into a malformed one of a given kind. Kinds are used in rotation, so any
 * corpus with at least {@code MalformedKind.values().length} malformed lines contains every kind.
 */
final class MalformedLines {

    /** {@code {"@timestamp":"yyyy-MM-ddTHH:mm:ss.SSSZ",} — the writer always puts the timestamp first. */
    private static final int TIMESTAMP_PREFIX =
            "{\"@timestamp\":\"".length() + IsoMillis.LENGTH + "\",".length();

    private static final Pattern NESTED_ACTION = Pattern.compile("\"action\":\"[^\"]*\"");
    private static final Pattern NESTED_HOST_ID = Pattern.compile("\"host\":\\{\"id\":\"[^\"]*\"");
    private static final Pattern DOTTED_HOST_ID = Pattern.compile("\"host\\.id\":\"[^\"]*\"");
    private static final String NESTED_CATEGORY = "\"category\":[";
    private static final String DOTTED_CATEGORY = "\"event.category\":[";
    private static final String MESSAGE = "\"message\":\"";
    private static final MalformedKind[] KINDS = MalformedKind.values();

    private int next;

    MalformedKind nextKind() {
        return KINDS[next++ % KINDS.length];
    }

    /**
     * Renders {@code kind} from {@code validLine} (an event line as the writer produced it, no
     * newline).
     */
    static byte[] render(
            MalformedKind kind,
            byte[] validLine,
            long timestampMs,
            String hostName,
            SplittableRandom rng) {
        // ISO-8859-1 maps bytes to chars one to one, so string edits keep every other byte as it
        // was.
        String line = new String(validLine, StandardCharsets.ISO_8859_1);
        String rest = line.substring(TIMESTAMP_PREFIX);
        String timestampField = line.substring(1, TIMESTAMP_PREFIX);
        String text =
                switch (kind) {
                    case NOT_JSON ->
                            "Mar  2 08:00:01 "
                                    + hostName
                                    + " sshd["
                                    + (1000 + rng.nextInt(30_000))
                                    + "]: Accepted publickey for root from 203.0.113."
                                    + rng.nextInt(255)
                                    + " port "
                                    + (32_768 + rng.nextInt(28_000))
                                    + " ssh2: ED25519 SHA256:Zm9vYmFy";
                    case TRUNCATED_JSON -> line.substring(0, 1 + rng.nextInt(line.length() - 1));
                    case TRAILING_GARBAGE -> line + "}";
                    case JSON_ARRAY -> "[" + line + "]";
                    case JSON_STRING -> "\"Endpoint process event\"";
                    case JSON_NUMBER -> Long.toString(timestampMs);
                    case JSON_NULL -> "null";
                    case EMPTY_LINE -> "";
                    case MISSING_TIMESTAMP -> "{" + rest;
                    case UNPARSABLE_TIMESTAMP -> "{\"@timestamp\":\"yesterday\"," + rest;
                    case NUMERIC_TIMESTAMP -> "{\"@timestamp\":" + timestampMs + "," + rest;
                    case WRONG_TYPE_ACTION ->
                            replaceOrInsert(
                                    line, NESTED_ACTION, "\"action\":5", "\"event.action\":5,");
                    case WRONG_TYPE_HOST_ID -> {
                        Matcher nested = NESTED_HOST_ID.matcher(line);
                        yield nested.find()
                                ? line.substring(0, nested.start())
                                        + "\"host\":{\"id\":{\"x\":1}"
                                        + line.substring(nested.end())
                                : replaceOrInsert(
                                        line,
                                        DOTTED_HOST_ID,
                                        "\"host.id\":{\"x\":1}",
                                        "\"host.id\":{\"x\":1},");
                    }
                    case WRONG_TYPE_CATEGORY_ELEMENT ->
                            line.contains(NESTED_CATEGORY)
                                    ? line.replace(NESTED_CATEGORY, NESTED_CATEGORY + "1,")
                                    : line.replace(DOTTED_CATEGORY, DOTTED_CATEGORY + "1,");
                    case DUPLICATE_KEY -> "{" + timestampField + line.substring(1);
                    case INVALID_UTF8 -> {
                        int at = line.indexOf(MESSAGE) + MESSAGE.length();
                        // 0xC3 opens a two-byte sequence that "(" cannot continue.
                        yield line.substring(0, at) + "\u00c3(" + line.substring(at);
                    }
                };
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String replaceOrInsert(
            String line, Pattern pattern, String replacement, String insertion) {
        Matcher m = pattern.matcher(line);
        if (m.find()) {
            return line.substring(0, m.start()) + replacement + line.substring(m.end());
        }
        // The key is spelled differently (dotted); a second, wrongly typed spelling is still
        // malformed.
        return line.substring(0, TIMESTAMP_PREFIX) + insertion + line.substring(TIMESTAMP_PREFIX);
    }
}
