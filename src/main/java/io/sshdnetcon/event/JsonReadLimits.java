package io.sshdnetcon.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

/**
 * The limits every parser of untrusted JSON in the job uses (events, the alert builder's second
 * read of them, exclusion sets, the producer tool's key lookup). A record that exceeds one is
 * refused with its own {@link DeadLetterReason}, so the cost of any record stays linear in its size
 * and no nesting can exhaust a thread's stack. The values and their reasons are in
 * docs/bad-input.md ("Read limits").
 *
 * <p>Each limit is at or beyond what Elasticsearch accepts for a realistic ECS event, so no event
 * Elastic's EQL could match is refused by them: see the constants.
 */
public final class JsonReadLimits {

    /**
     * Objects and arrays nested deeper than this, or a field path of more segments (dotted keys
     * count one per segment, as in Elasticsearch's mappings), are refused. Elasticsearch refuses to
     * map fields deeper than {@code index.mapping.depth.limit} (20) and its parser any nesting
     * beyond 1000; the deepest ECS field has 6 segments. 100 also keeps every walk over a document
     * (ours and Jackson's tree serializer, which recurse per level) a few hundred frames deep.
     */
    public static final int MAX_NESTING_DEPTH = 100;

    /**
     * Keys longer than this, in UTF-8 bytes (how Jackson counts), are refused. ECS names are at
     * most a few dozen characters; Elastic Defend writes only ECS names and a handful of {@code
     * Ext} ones.
     */
    public static final int MAX_NAME_BYTES = 1024;

    /**
     * Numbers longer than this (in characters) are refused: Jackson's default, which Elasticsearch
     * keeps, so Elasticsearch refuses such documents too.
     */
    public static final int MAX_NUMBER_CHARS = 1000;

    /**
     * A value of a field the rule reads longer than this is refused (the event parser decodes no
     * other strings; the rest are skipped unread and bounded by the record size). These are ECS
     * {@code keyword} fields, which Elasticsearch indexes only up to {@code ignore_above: 1024}
     * characters, so a longer one cannot be matched there either. Exclusion sets use it for every
     * string.
     */
    public static final int MAX_RULE_VALUE_CHARS = 32 * 1024;

    /**
     * Upper bound of {@code detector.max-record-bytes}: Elasticsearch's {@code
     * http.max_content_length} default (100 MiB), beyond which no event can be indexed at all. The
     * alert builder, which re-reads events the parser accepted, uses it as its document and string
     * limit.
     */
    public static final int MAX_DOCUMENT_BYTES = 100 * 1024 * 1024;

    private JsonReadLimits() {}

    /**
     * A factory whose parsers enforce these limits, with strings limited to {@code maxStringChars}
     * and documents to {@code maxDocumentBytes} (0 for no limit).
     *
     * <p>With {@code canonicalNames}, each distinct key becomes one String instance kept in the
     * factory's symbol table, which saves an allocation per key of every record after the first.
     * That table refuses keys crafted to collide in its hash ("suspect a DoS attack") where
     * Elasticsearch, which turns the check off, accepts them; so a canonicalizing parser of events
     * needs a non-canonicalizing one to fall back on (see {@link EcsEventParser}), and the alert
     * builder, which reads few records, does without.
     */
    public static JsonFactory factory(
            long maxDocumentBytes, int maxStringChars, boolean canonicalNames) {
        return JsonFactory.builder()
                .streamReadConstraints(new Constraints(maxDocumentBytes, maxStringChars))
                .configure(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES, canonicalNames)
                // Names stay canonical without interning them in the JVM's string table, which
                // made a record of 400,000 new keys 5x slower and would fill that table with
                // keys chosen by whoever writes the records.
                .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                .build();
    }

    /**
     * True for the symbol table's refusal of colliding keys: a constraint of Jackson's own, which
     * is not one of ours and says nothing about the record's validity.
     */
    public static boolean isSymbolTableOverflow(Throwable e) {
        return e instanceof StreamConstraintsException && !(e instanceof LimitExceededException);
    }

    /**
     * Thrown by a parser from {@link #factory} when a record exceeds a limit. Its message is the
     * dead letter's detail; {@link #reason()} its code.
     */
    public static final class LimitExceededException extends StreamConstraintsException {
        private static final long serialVersionUID = 1L;

        private final DeadLetterReason reason;

        public LimitExceededException(DeadLetterReason reason, String message) {
            super(message);
            this.reason = reason;
        }

        public DeadLetterReason reason() {
            return reason;
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // bad input, not a bug: the stack is never needed
        }
    }

    /**
     * Jackson's constraints, but each violation raises a {@link LimitExceededException} naming its
     * reason, so callers never have to tell limits apart by message text. Jackson calls these hooks
     * while it tokenizes, before any tree is built.
     */
    private static final class Constraints extends StreamReadConstraints {
        private static final long serialVersionUID = 1L;

        Constraints(long maxDocumentBytes, int maxStringChars) {
            super(
                    MAX_NESTING_DEPTH,
                    maxDocumentBytes > 0 ? maxDocumentBytes : -1L,
                    MAX_NUMBER_CHARS,
                    maxStringChars,
                    MAX_NAME_BYTES,
                    -1L); // token count: linear in the record size, which is bounded
        }

        @Override
        public void validateNestingDepth(int depth) throws StreamConstraintsException {
            if (depth > _maxNestingDepth) {
                throw new LimitExceededException(
                        DeadLetterReason.NESTING_TOO_DEEP,
                        "objects and arrays nest deeper than " + _maxNestingDepth + " levels");
            }
        }

        @Override
        public void validateDocumentLength(long length) throws StreamConstraintsException {
            if (_maxDocLen > 0 && length > _maxDocLen) {
                throw new LimitExceededException(
                        DeadLetterReason.RECORD_TOO_LARGE,
                        "document has more than " + _maxDocLen + " bytes");
            }
        }

        @Override
        public void validateIntegerLength(int length) throws StreamConstraintsException {
            checkNumber(length);
        }

        @Override
        public void validateFPLength(int length) throws StreamConstraintsException {
            checkNumber(length);
        }

        private void checkNumber(int length) throws StreamConstraintsException {
            if (length > _maxNumLen) {
                throw new LimitExceededException(
                        DeadLetterReason.NUMBER_TOO_LONG,
                        "a number is longer than " + _maxNumLen + " characters");
            }
        }

        @Override
        public void validateStringLength(int length) throws StreamConstraintsException {
            if (length > _maxStringLen) {
                throw new LimitExceededException(
                        DeadLetterReason.STRING_TOO_LONG,
                        "a string is longer than " + _maxStringLen + " characters");
            }
        }

        @Override
        public void validateNameLength(int length) throws StreamConstraintsException {
            if (length > _maxNameLen) {
                // Jackson checks as it reads, so the length seen may be a part of the key.
                throw new LimitExceededException(
                        DeadLetterReason.NAME_TOO_LONG,
                        "a key is longer than " + _maxNameLen + " bytes");
            }
        }
    }
}
