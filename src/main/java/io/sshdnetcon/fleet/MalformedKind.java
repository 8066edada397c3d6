package io.sshdnetcon.fleet;

/**
 * Every way a delivered line can be malformed in the oracle's sense (docs/semantics.md, decision
 * 1).
 */
public enum MalformedKind {
    NOT_JSON,
    TRUNCATED_JSON,
    TRAILING_GARBAGE,
    JSON_ARRAY,
    JSON_STRING,
    JSON_NUMBER,
    JSON_NULL,
    EMPTY_LINE,
    MISSING_TIMESTAMP,
    /** {@code "@timestamp":"yesterday"} */
    UNPARSABLE_TIMESTAMP,
    /** Epoch milliseconds instead of a string. */
    NUMERIC_TIMESTAMP,
    /** {@code "event.action": 5} */
    WRONG_TYPE_ACTION,
    /** {@code "host": {"id": {"x":1}}} */
    WRONG_TYPE_HOST_ID,
    /** {@code "event.category": [1, "process"]} */
    WRONG_TYPE_CATEGORY_ELEMENT,
    DUPLICATE_KEY,
    INVALID_UTF8
}
