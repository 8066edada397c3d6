package io.sshdnetcon.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.sshdnetcon.rule.IpLiteral;
import io.sshdnetcon.rule.SequenceStages;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Turns one input record (the bytes of one ECS event) into a {@link ParsedRecord}.
 *
 * <p>Most fleet events are irrelevant to the rule, so the parser streams tokens and only decodes the
 * handful of {@link RuleField}s; every other subtree is skipped. It still scans the whole record,
 * so broken JSON is always detected and dead-lettered rather than silently dropped. It never
 * throws on data.
 *
 * <p>Not thread-safe: one instance per source reader.
 */
public final class EcsEventParser {

    /** Default for {@link #EcsEventParser(int)}: large process command lines stay well below it. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 4 * 1024 * 1024;

    private static final JsonFactory JSON = new JsonFactory();
    private static final int MAX_DETAIL_VALUE_CHARS = 120;

    /** Fields whose type is checked on every event; @timestamp and destination.ip have own rules. */
    private static final List<RuleField> TYPED_FIELDS =
            Arrays.stream(RuleField.values())
                    .filter(f -> f != RuleField.TIMESTAMP && f != RuleField.DESTINATION_IP)
                    .toList();

    private final FieldValues fields = new FieldValues();
    /** Elasticsearch refuses documents with a repeated key, so EQL would never see them. */
    private final DuplicateKeyGuard keys = new DuplicateKeyGuard();
    private final int maxRecordBytes;

    public EcsEventParser() {
        this(DEFAULT_MAX_RECORD_BYTES);
    }

    public EcsEventParser(int maxRecordBytes) {
        if (maxRecordBytes <= 0) {
            throw new IllegalArgumentException("maxRecordBytes must be positive: " + maxRecordBytes);
        }
        this.maxRecordBytes = maxRecordBytes;
    }

    public ParsedRecord parse(byte[] record, String source, int partition, long offset) {
        return parse(record, 0, record.length, source, partition, offset);
    }

    /**
     * Parses {@code len} bytes at {@code off}. The bytes are copied only when the record is kept
     * (a candidate or a dead letter), so callers may pass a reused buffer.
     */
    public ParsedRecord parse(
            byte[] buf, int off, int len, String source, int partition, long offset) {
        if (len > maxRecordBytes) {
            return tooLarge(buf, off, len, len, source, partition, offset);
        }
        Provenance at = new Provenance(buf, off, len, source, partition, offset);
        fields.clear();
        keys.reset();
        try (JsonParser p = JSON.createParser(buf, off, len)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return at.malformed(DeadLetterReason.NOT_JSON, "empty record");
            }
            if (first != JsonToken.START_OBJECT) {
                skipValue(p, first);
                if (p.nextToken() != null) {
                    return at.malformed(DeadLetterReason.NOT_JSON, "data after the JSON value");
                }
                return at.malformed(
                        DeadLetterReason.NOT_AN_OBJECT,
                        "expected a JSON object, found " + describe(first));
            }
            readObject(p, FieldPathTree.ROOT);
            if (p.nextToken() != null) {
                return at.malformed(DeadLetterReason.NOT_JSON, "data after the JSON object");
            }
        } catch (DuplicateKeyException e) {
            return at.malformed(DeadLetterReason.DUPLICATE_KEY, e.getMessage());
        } catch (JsonProcessingException e) {
            return at.malformed(DeadLetterReason.NOT_JSON, describe(e));
        } catch (IOException e) {
            return at.malformed(DeadLetterReason.NOT_JSON, String.valueOf(e.getMessage()));
        }
        return classify(at);
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
        Provenance at = new Provenance(buf, off, prefixLength, source, partition, offset);
        return at.deadLetter(
                Outcome.MALFORMED,
                DeadLetterReason.RECORD_TOO_LARGE,
                "record has " + actualLength + " bytes, the limit is " + maxRecordBytes
                        + "; the payload holds its first " + Math.min(prefixLength, maxRecordBytes)
                        + " bytes",
                ParsedRecord.NO_TIMESTAMP,
                maxRecordBytes);
    }

    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    private ParsedRecord classify(Provenance at) {
        String timestampText = fields.single(RuleField.TIMESTAMP);
        if (fields.hasWrongType(RuleField.TIMESTAMP) || timestampText == null) {
            return at.malformed(
                    DeadLetterReason.INVALID_TIMESTAMP,
                    fields.isMissing(RuleField.TIMESTAMP) && !fields.hasWrongType(RuleField.TIMESTAMP)
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
        Stage stage = SequenceStages.classify(fields);
        if (stage == null) {
            return at.plain(Outcome.IRRELEVANT, timestamp);
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
                        at.length);
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
                            at.length);
                }
            }
            executables = fields.all(RuleField.PROCESS_EXECUTABLE);
            names = fields.all(RuleField.PROCESS_NAME);
        }
        RuleField joinField = SequenceStages.joinField(stage);
        if (fields.isMissing(RuleField.HOST_ID) || fields.isMissing(joinField)) {
            return at.plain(Outcome.MISSING_JOIN_KEY, timestamp);
        }
        if (fields.isMultiValued(RuleField.HOST_ID) || fields.isMultiValued(joinField)) {
            return at.plain(Outcome.MULTI_VALUED_JOIN_KEY, timestamp);
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
                        0L);
        return new ParsedRecord(
                Outcome.CANDIDATE, timestamp, event, null, at.source, at.partition, at.offset);
    }

    /** Reads one object whose key path so far is {@code node}; the parser is on START_OBJECT. */
    private void readObject(JsonParser p, FieldPathTree node) throws IOException {
        keys.enter();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = name(p);
            FieldPathTree child = node.child(name);
            JsonToken value = p.nextToken();
            if (child == null) {
                skipValue(p, value);
            } else if (child.field() != null) {
                readValue(p, value, child.field());
            } else if (value == JsonToken.START_OBJECT) {
                readObject(p, child);
            } else {
                // An interior ECS object written as a scalar or array holds none of our fields.
                skipValue(p, value);
            }
        }
        keys.exit();
    }

    private void readValue(JsonParser p, JsonToken value, RuleField field) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            fields.add(field, p.getText());
        } else if (value == JsonToken.VALUE_NULL) {
            return;
        } else if (value == JsonToken.START_ARRAY && field != RuleField.TIMESTAMP) {
            JsonToken element;
            while ((element = p.nextToken()) != JsonToken.END_ARRAY) {
                if (element == JsonToken.VALUE_STRING) {
                    fields.add(field, p.getText());
                } else if (element != JsonToken.VALUE_NULL) {
                    fields.markWrongType(field);
                    skipValue(p, element);
                }
            }
        } else {
            fields.markWrongType(field);
            skipValue(p, value);
        }
    }

    /**
     * Skips the value starting at {@code token} without decoding it, still checking every object
     * inside for repeated keys (Jackson's skipChildren would not).
     */
    private void skipValue(JsonParser p, JsonToken token) throws IOException {
        if (token == JsonToken.START_OBJECT) {
            keys.enter();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                name(p);
                skipValue(p, p.nextToken());
            }
            keys.exit();
        } else if (token == JsonToken.START_ARRAY) {
            JsonToken element;
            while ((element = p.nextToken()) != JsonToken.END_ARRAY) {
                skipValue(p, element);
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
            byte[] buf, int off, int length, String source, int partition, long offset) {

        ParsedRecord plain(Outcome outcome, long timestamp) {
            return new ParsedRecord(outcome, timestamp, null, null, source, partition, offset);
        }

        ParsedRecord malformed(DeadLetterReason reason, String detail) {
            return deadLetter(Outcome.MALFORMED, reason, detail, ParsedRecord.NO_TIMESTAMP, length);
        }

        ParsedRecord deadLetter(
                Outcome outcome,
                DeadLetterReason reason,
                String detail,
                long timestamp,
                int payloadBytes) {
            DeadLetter letter =
                    new DeadLetter(
                            reason,
                            detail,
                            copy(payloadBytes),
                            source,
                            partition,
                            offset,
                            System.currentTimeMillis());
            return new ParsedRecord(outcome, timestamp, null, letter, source, partition, offset);
        }

        byte[] copy(int bytes) {
            return Arrays.copyOfRange(buf, off, off + Math.min(bytes, length));
        }
    }
}
