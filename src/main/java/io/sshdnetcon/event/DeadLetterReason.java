package io.sshdnetcon.event;

/** Why a record was set aside. The code is what operators see in files, headers and metrics. */
public enum DeadLetterReason {
    /** Not exactly one JSON value: syntax error, trailing data, empty record, invalid UTF-8. */
    NOT_JSON("not_json"),
    /** Valid JSON, but not an object. */
    NOT_AN_OBJECT("not_an_object"),
    /** An object with the same key twice; Elasticsearch refuses such documents. */
    DUPLICATE_KEY("duplicate_key"),
    /** {@code @timestamp} missing, null, not a string, or not ISO-8601. */
    INVALID_TIMESTAMP("invalid_timestamp"),
    /** A field the rule reads holds a number, boolean or object instead of string(s). */
    WRONG_TYPE("wrong_type"),
    /** A connection candidate whose {@code destination.ip} is not an IP literal. */
    INVALID_DESTINATION("invalid_destination"),
    /** Larger than the configured maximum record size. */
    RECORD_TOO_LARGE("record_too_large"),
    /** Objects or arrays, or a dotted field path, nested beyond {@link JsonReadLimits}. */
    NESTING_TOO_DEEP("nesting_too_deep"),
    /** A key longer than {@link JsonReadLimits#MAX_NAME_BYTES}. */
    NAME_TOO_LONG("name_too_long"),
    /** A number longer than {@link JsonReadLimits#MAX_NUMBER_CHARS}. */
    NUMBER_TOO_LONG("number_too_long"),
    /** A value the rule reads longer than {@link JsonReadLimits#MAX_RULE_VALUE_CHARS}. */
    STRING_TOO_LONG("string_too_long"),
    /**
     * A candidate more than the bound behind its own host's newest event time (or, as a safety net,
     * one CEP found behind its release clock).
     */
    LATE_EVENT("late_event"),
    /** A match whose alert document could not be built. */
    ALERT_BUILD_FAILED("alert_build_failed"),
    /** An exclusion set that failed validation; the previous set stays in force. */
    INVALID_EXCLUSION_SET("invalid_exclusion_set"),
    /** Elasticsearch refused the alert document as invalid (a non-retryable 4xx). */
    ELASTICSEARCH_REJECTED("elasticsearch_rejected");

    private final String code;

    DeadLetterReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
