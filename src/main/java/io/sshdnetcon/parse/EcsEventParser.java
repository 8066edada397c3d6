package io.sshdnetcon.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.DeadLetterReason;
import io.sshdnetcon.event.FieldValues;
import io.sshdnetcon.event.JsonReadLimits;
import io.sshdnetcon.event.Outcome;
import io.sshdnetcon.event.ParsedRecord;
import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.event.RuleField;
import io.sshdnetcon.event.Stage;
import io.sshdnetcon.rule.CandidateBytes;
import io.sshdnetcon.rule.IpLiteral;
import io.sshdnetcon.rule.SequenceStages;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Turns one input record (the bytes of one ECS event) into a {@link ParsedRecord}.
 *
 * <p>Most fleet events are irrelevant to the rule, so the parser streams tokens and only decodes
 * the handful of {@link RuleField}s; every other subtree is skipped. It still scans the whole
 * record, so broken JSON is always detected and dead-lettered rather than silently dropped. It
 * never throws on data.
 *
 * <p>Hostile records cost time linear in their size and a bounded stack: bytes must be strict
 * UTF-8, nesting (objects, arrays and dotted keys together), keys, numbers and the values the rule
 * reads stay within {@link JsonReadLimits}, each breach dead-lettered under its own reason, and
 * repeated keys are found through a hash set in large objects.
 *
 * <p>Not thread-safe: one instance per source reader.
 */
public final class EcsEventParser {

    /** Default for {@link #EcsEventParser(int)}: large process command lines stay well below it. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 4 * 1024 * 1024;

    private static final int MAX_DETAIL_VALUE_CHARS = 120;

    /**
     * Fields whose type is checked on every event; @timestamp and destination.ip have own rules.
     */
    private static final List<RuleField> TYPED_FIELDS =
            Arrays.stream(RuleField.values())
                    .filter(f -> f != RuleField.TIMESTAMP && f != RuleField.DESTINATION_IP)
                    .toList();

    private final FieldValues fields = new FieldValues();

    /** Elasticsearch refuses documents with a repeated key, so EQL would never see them. */
    private final DuplicateKeyGuard keys = new DuplicateKeyGuard();

    /** Per parser: its symbol table then canonicalizes this reader's keys, record after record. */
    private JsonFactory json;

    /** For records whose keys the symbol table refuses: no table, one String per key. */
    private final JsonFactory withoutSymbols;

    private final int maxRecordBytes;

    /** Reads the time and host of records the prefilter rules out; null under {@code ALL}. */
    private final RecordClockScan clockScan;

    /** For {@link #scanHostId}, made on first use. */
    private RecordClockScan hostScan;

    public EcsEventParser() {
        this(DEFAULT_MAX_RECORD_BYTES);
    }

    public EcsEventParser(int maxRecordBytes) {
        this(maxRecordBytes, Validation.ALL);
    }

    public EcsEventParser(int maxRecordBytes, Validation validation) {
        if (maxRecordBytes <= 0 || maxRecordBytes > JsonReadLimits.MAX_DOCUMENT_BYTES) {
            throw new IllegalArgumentException(
                    "maxRecordBytes must be between 1 and "
                            + JsonReadLimits.MAX_DOCUMENT_BYTES
                            + ": "
                            + maxRecordBytes);
        }
        this.maxRecordBytes = maxRecordBytes;
        this.clockScan = validation == Validation.CANDIDATES ? new RecordClockScan() : null;
        this.json = factory(true);
        this.withoutSymbols = factory(false);
    }

    public ParsedRecord parse(byte[] record, String source, int partition, long offset) {
        return parse(record, source, partition, offset, ParsedRecord.NO_TIMESTAMP);
    }

    /**
     * @param arrivalTime when the record arrived (epoch ms), or {@link ParsedRecord#NO_TIMESTAMP}
     */
    public ParsedRecord parse(
            byte[] record, String source, int partition, long offset, long arrivalTime) {
        return parse(record, 0, record.length, source, partition, offset, arrivalTime);
    }

    public ParsedRecord parse(
            byte[] buf, int off, int len, String source, int partition, long offset) {
        return parse(buf, off, len, source, partition, offset, ParsedRecord.NO_TIMESTAMP);
    }

    /**
     * Parses {@code len} bytes at {@code off}. The bytes are copied only when the record is kept (a
     * candidate or a dead letter), so callers may pass a reused buffer.
     */
    public ParsedRecord parse(
            byte[] buf,
            int off,
            int len,
            String source,
            int partition,
            long offset,
            long arrivalTime) {
        if (len > maxRecordBytes) {
            return tooLarge(buf, off, len, len, source, partition, offset);
        }
        if (clockScan != null
                && !CandidateBytes.mayBeCandidate(buf, off, len)
                && clockScan.scan(buf, off, len)) {
            return new ParsedRecord(
                    Outcome.SKIPPED,
                    clockScan.timestamp(),
                    null,
                    null,
                    source,
                    partition,
                    offset,
                    clockScan.hostId(),
                    arrivalTime);
        }
        Provenance at = new Provenance(buf, off, len, source, partition, offset, arrivalTime);
        int invalid = Utf8.firstInvalid(buf, off, len);
        if (invalid >= 0) {
            return at.malformed(DeadLetterReason.NOT_JSON, "invalid UTF-8 at byte " + invalid);
        }
        ParsedRecord result = read(json, at);
        if (result == null) {
            // Keys crafted to collide in the symbol table's hash: Jackson refuses them as a DoS
            // suspect, Elasticsearch (which turns that check off) accepts them. Read the record
            // again without a table, and start a fresh table, since the old one now holds them.
            json = factory(true);
            result = read(withoutSymbols, at);
        }
        return result;
    }

    /**
     * Strings are bounded by the record here; {@link #text} applies the limit to the values the
     * rule reads, so that a long key is always {@code name_too_long}, with or without symbols.
     */
    private JsonFactory factory(boolean canonicalNames) {
        return JsonReadLimits.factory(maxRecordBytes, maxRecordBytes, canonicalNames);
    }

    /** The record read with {@code factory}; null if its symbol table refused the keys. */
    private ParsedRecord read(JsonFactory factory, Provenance at) {
        fields.clear();
        keys.reset();
        try (JsonParser p = factory.createParser(at.buf, at.off, at.length)) {
            try {
                ParsedRecord unusable = walk(p, at);
                if (unusable != null) {
                    return unusable;
                }
            } catch (JsonReadLimits.LimitExceededException e) {
                return at.malformed(
                        e.reason(),
                        e.getMessage() + " (at byte " + p.currentLocation().getByteOffset() + ")");
            }
        } catch (DuplicateKeyException e) {
            return at.malformed(DeadLetterReason.DUPLICATE_KEY, e.getMessage());
        } catch (JsonProcessingException e) {
            if (factory != withoutSymbols && JsonReadLimits.isSymbolTableOverflow(e)) {
                return null;
            }
            return at.malformed(DeadLetterReason.NOT_JSON, describe(e));
        } catch (IOException e) {
            return at.malformed(DeadLetterReason.NOT_JSON, String.valueOf(e.getMessage()));
        } catch (RuntimeException e) {
            // Never seen; but a record that trips the JSON library must not stop the source.
            return at.malformed(DeadLetterReason.NOT_JSON, "unreadable: " + e);
        }
        return classify(at);
    }

    /** Reads the whole record into {@link #fields}; the dead letter if it is not one object. */
    private ParsedRecord walk(JsonParser p, Provenance at) throws IOException {
        JsonToken first = p.nextToken();
        if (first == null) {
            return at.malformed(DeadLetterReason.NOT_JSON, "empty record");
        }
        if (first != JsonToken.START_OBJECT) {
            skipValue(p, first, 0);
            if (p.nextToken() != null) {
                return at.malformed(DeadLetterReason.NOT_JSON, "data after the JSON value");
            }
            return at.malformed(
                    DeadLetterReason.NOT_AN_OBJECT,
                    "expected a JSON object, found " + describe(first));
        }
        readObject(p, FieldPathTree.ROOT, 0);
        if (p.nextToken() != null) {
            return at.malformed(DeadLetterReason.NOT_JSON, "data after the JSON object");
        }
        return null;
    }

    /**
     * The dead letter for a record of {@code actualLength} bytes, more than the limit, of which the
     * caller kept at least the first {@code prefixLength}. Readers use it to avoid buffering huge
     * records whole.
     */
    public ParsedRecord tooLarge(
            byte[] buf,
            int off,
            int prefixLength,
            long actualLength,
            String source,
            int partition,
            long offset) {
        Provenance at =
                new Provenance(
                        buf,
                        off,
                        prefixLength,
                        source,
                        partition,
                        offset,
                        ParsedRecord.NO_TIMESTAMP);
        return at.deadLetter(
                Outcome.MALFORMED,
                DeadLetterReason.RECORD_TOO_LARGE,
                "record has "
                        + actualLength
                        + " bytes, the limit is "
                        + maxRecordBytes
                        + "; the payload holds its first "
                        + Math.min(prefixLength, maxRecordBytes)
                        + " bytes",
                ParsedRecord.NO_TIMESTAMP,
                maxRecordBytes,
                null);
    }

    /**
     * The {@code host.id} of a record when a scan of its top-level members can tell it (as a plain
     * string, the record well-formed at both ends), else null: then only a full parse can. It does
     * not validate the record; a reader uses it to find whose a line is before parsing it.
     */
    public String scanHostId(byte[] buf, int off, int len) {
        if (hostScan == null) {
            hostScan = new RecordClockScan();
        }
        return len <= maxRecordBytes && hostScan.scan(buf, off, len) ? hostScan.hostId() : null;
    }

    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    private ParsedRecord classify(Provenance at) {
        String timestampText = fields.single(RuleField.TIMESTAMP);
        if (fields.hasWrongType(RuleField.TIMESTAMP) || timestampText == null) {
            return at.malformed(
                    DeadLetterReason.INVALID_TIMESTAMP,
                    fields.isMissing(RuleField.TIMESTAMP)
                                    && !fields.hasWrongType(RuleField.TIMESTAMP)
                            ? "@timestamp is missing"
                            : "@timestamp must be a single string");
        }
        long timestamp = EventTimestamps.parseEpochMillis(timestampText);
        if (timestamp == EventTimestamps.INVALID) {
            return at.malformed(
                    DeadLetterReason.INVALID_TIMESTAMP,
                    "@timestamp is not an ISO-8601 date-time: " + quote(timestampText));
        }
        for (RuleField f : TYPED_FIELDS) {
            if (fields.hasWrongType(f)) {
                return at.malformed(
                        DeadLetterReason.WRONG_TYPE,
                        f.path() + " must be a string or an array of strings");
            }
        }
        // Every parsed record with one host.id moves that host's clock, relevant or not.
        String host =
                fields.isMissing(RuleField.HOST_ID) || fields.isMultiValued(RuleField.HOST_ID)
                        ? null
                        : fields.single(RuleField.HOST_ID);
        Stage stage = SequenceStages.classify(fields);
        if (stage == null) {
            return at.plain(Outcome.IRRELEVANT, timestamp, host);
        }
        long[] destination = RuleEvent.NO_ADDRESSES;
        List<String> executables = List.of();
        List<String> names = List.of();
        if (stage == Stage.CONNECT) {
            // Before the join key: an unparsable destination is counted whatever else is wrong.
            if (fields.hasWrongType(RuleField.DESTINATION_IP)) {
                return at.deadLetter(
                        Outcome.INVALID_DESTINATION,
                        DeadLetterReason.INVALID_DESTINATION,
                        "destination.ip must be IP address strings",
                        timestamp,
                        at.length,
                        host);
            }
            List<String> ips = fields.all(RuleField.DESTINATION_IP);
            destination = new long[ips.size() * 2];
            for (int i = 0; i < ips.size(); i++) {
                if (!IpLiteral.parse(ips.get(i), destination, 2 * i)) {
                    return at.deadLetter(
                            Outcome.INVALID_DESTINATION,
                            DeadLetterReason.INVALID_DESTINATION,
                            "destination.ip is not an IP address literal: " + quote(ips.get(i)),
                            timestamp,
                            at.length,
                            host);
                }
            }
            executables = fields.all(RuleField.PROCESS_EXECUTABLE);
            names = fields.all(RuleField.PROCESS_NAME);
        }
        RuleField joinField = SequenceStages.joinField(stage);
        if (fields.isMissing(RuleField.HOST_ID) || fields.isMissing(joinField)) {
            return at.plain(Outcome.MISSING_JOIN_KEY, timestamp, host);
        }
        if (fields.isMultiValued(RuleField.HOST_ID) || fields.isMultiValued(joinField)) {
            return at.plain(Outcome.MULTI_VALUED_JOIN_KEY, timestamp, host);
        }
        RuleEvent event =
                new RuleEvent(
                        stage,
                        fields.single(RuleField.HOST_ID),
                        fields.single(joinField),
                        timestamp,
                        fields.single(RuleField.EVENT_ID),
                        destination,
                        executables,
                        names,
                        at.copy(at.length),
                        0L,
                        null);
        return new ParsedRecord(
                Outcome.CANDIDATE,
                timestamp,
                event,
                null,
                at.source,
                at.partition,
                at.offset,
                event.hostId(),
                at.arrivalTime);
    }

    /**
     * Reads one object whose key path so far is {@code node}, {@code depth} segments long; the
     * parser is on START_OBJECT. Recursion is per nesting level, which Jackson bounds at {@link
     * JsonReadLimits#MAX_NESTING_DEPTH}.
     */
    private void readObject(JsonParser p, FieldPathTree node, int depth) throws IOException {
        keys.enter();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = name(p);
            FieldPathTree child = node.child(name);
            JsonToken value = p.nextToken();
            int childDepth = pathDepth(name, depth, value);
            if (child == null) {
                skipValue(p, value, childDepth);
            } else if (child.field() != null) {
                readValue(p, value, child.field(), childDepth);
            } else if (value == JsonToken.START_OBJECT) {
                readObject(p, child, childDepth);
            } else {
                // An interior ECS object written as a scalar or array holds none of our fields.
                skipValue(p, value, childDepth);
            }
        }
        keys.exit();
    }

    /**
     * The number of segments of the path ending in {@code name} inside an object at {@code depth},
     * whose value starts with {@code value}. Elasticsearch maps {@code "a.b.c"} as three nested
     * objects, so a dotted key nests as deep as the objects it stands for, and both count against
     * one limit.
     *
     * <p>Only a container's depth is passed on, so dots are counted only for containers and for
     * keys long enough to reach the limit; the result for other keys is a placeholder.
     */
    private static int pathDepth(String name, int depth, JsonToken value)
            throws JsonReadLimits.LimitExceededException {
        if (depth + name.length() < JsonReadLimits.MAX_NESTING_DEPTH
                && value != JsonToken.START_OBJECT
                && value != JsonToken.START_ARRAY) {
            return depth + 1; // at most length + 1 segments: within the limit, however many dots
        }
        int segments = 1;
        for (int i = name.indexOf('.'); i >= 0; i = name.indexOf('.', i + 1)) {
            segments++;
        }
        if (depth + segments > JsonReadLimits.MAX_NESTING_DEPTH) {
            throw new JsonReadLimits.LimitExceededException(
                    DeadLetterReason.NESTING_TOO_DEEP,
                    "a field path has more than "
                            + JsonReadLimits.MAX_NESTING_DEPTH
                            + " segments (objects and dotted keys): "
                            + quote(name));
        }
        return depth + segments;
    }

    private void readValue(JsonParser p, JsonToken value, RuleField field, int depth)
            throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            fields.add(field, text(p, field));
        } else if (value == JsonToken.VALUE_NULL) {
            return;
        } else if (value == JsonToken.START_ARRAY && field != RuleField.TIMESTAMP) {
            JsonToken element;
            while ((element = p.nextToken()) != JsonToken.END_ARRAY) {
                if (element == JsonToken.VALUE_STRING) {
                    fields.add(field, text(p, field));
                } else if (element != JsonToken.VALUE_NULL) {
                    fields.markWrongType(field);
                    skipValue(p, element, depth);
                }
            }
        } else {
            fields.markWrongType(field);
            skipValue(p, value, depth);
        }
    }

    private static String text(JsonParser p, RuleField field) throws IOException {
        String text = p.getText();
        if (text.length() > JsonReadLimits.MAX_RULE_VALUE_CHARS) {
            throw new JsonReadLimits.LimitExceededException(
                    DeadLetterReason.STRING_TOO_LONG,
                    "a value of "
                            + field.path()
                            + " is longer than "
                            + JsonReadLimits.MAX_RULE_VALUE_CHARS
                            + " characters");
        }
        return text;
    }

    /**
     * Skips the value starting at {@code token} without decoding it, still checking every object
     * inside for repeated keys (Jackson's skipChildren would not).
     */
    private void skipValue(JsonParser p, JsonToken token, int depth) throws IOException {
        if (token == JsonToken.START_OBJECT) {
            keys.enter();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = name(p);
                JsonToken value = p.nextToken();
                skipValue(p, value, pathDepth(name, depth, value));
            }
            keys.exit();
        } else if (token == JsonToken.START_ARRAY) {
            JsonToken element;
            while ((element = p.nextToken()) != JsonToken.END_ARRAY) {
                skipValue(p, element, depth); // array elements share their array's path
            }
        }
    }

    private String name(JsonParser p) throws IOException {
        String name = p.currentName();
        if (!keys.add(name)) {
            throw new DuplicateKeyException(name);
        }
        return name;
    }

    /** Thrown out of the token walk on a repeated key; never escapes {@link #parse}. */
    private static final class DuplicateKeyException extends IOException {
        private static final long serialVersionUID = 1L;

        DuplicateKeyException(String key) {
            super("duplicate key '" + key + "' in one object", null);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // control flow for bad input: the stack is never needed
        }
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.toString();
        };
    }

    private static String describe(JsonProcessingException e) {
        String message = String.valueOf(e.getOriginalMessage());
        int newline = message.indexOf('\n');
        if (newline >= 0) {
            message = message.substring(0, newline);
        }
        if (e.getLocation() != null) {
            message += " (at byte " + e.getLocation().getByteOffset() + ")";
        }
        return message;
    }

    private static String quote(String value) {
        String shown =
                value.length() > MAX_DETAIL_VALUE_CHARS
                        ? value.substring(0, MAX_DETAIL_VALUE_CHARS) + "..."
                        : value;
        return "'" + shown + "'";
    }

    /** Where the record came from; builds the results that need its bytes. */
    private record Provenance(
            byte[] buf,
            int off,
            int length,
            String source,
            int partition,
            long offset,
            long arrivalTime) {

        ParsedRecord plain(Outcome outcome, long timestamp, String host) {
            return new ParsedRecord(
                    outcome, timestamp, null, null, source, partition, offset, host, arrivalTime);
        }

        ParsedRecord malformed(DeadLetterReason reason, String detail) {
            return deadLetter(
                    Outcome.MALFORMED, reason, detail, ParsedRecord.NO_TIMESTAMP, length, null);
        }

        ParsedRecord deadLetter(
                Outcome outcome,
                DeadLetterReason reason,
                String detail,
                long timestamp,
                int payloadBytes,
                String host) {
            DeadLetter letter =
                    new DeadLetter(
                            reason,
                            detail,
                            copy(payloadBytes),
                            source,
                            partition,
                            offset,
                            System.currentTimeMillis());
            return new ParsedRecord(
                    outcome, timestamp, null, letter, source, partition, offset, host, arrivalTime);
        }

        byte[] copy(int bytes) {
            return Arrays.copyOfRange(buf, off, off + Math.min(bytes, length));
        }
    }
}
