package io.sshdnetcon.kafka;

import io.sshdnetcon.event.DeadLetterReason;
import java.util.Locale;

/**
 * Header names and values of dead-letter records. They follow the Kafka Connect dead-letter-queue
 * convention (KIP-298, {@code errors.deadletterqueue.context.headers.enable}), so the tooling that
 * already reads Connect DLQs can read ours; the {@code sshdnetcon.*} headers add what Connect has
 * no name for. Every value is a UTF-8 string, numbers included, as in Connect.
 */
public final class DeadLetterHeaders {

    public static final String ORIGINAL_TOPIC = "__connect.errors.topic";
    public static final String ORIGINAL_PARTITION = "__connect.errors.partition";
    public static final String ORIGINAL_OFFSET = "__connect.errors.offset";
    public static final String EXCEPTION_CLASS = "__connect.errors.exception.class.name";
    public static final String EXCEPTION_MESSAGE = "__connect.errors.exception.message";
    public static final String STAGE = "__connect.errors.stage";
    public static final String CONNECTOR_NAME = "__connect.errors.connector.name";
    public static final String REASON = "sshdnetcon.reason";
    public static final String DEAD_LETTERED_AT = "sshdnetcon.dead_lettered_at";

    /** Present only when the payload was cut to the configured maximum: the original length. */
    public static final String PAYLOAD_ORIGINAL_BYTES = "sshdnetcon.payload_original_bytes";

    public static final String CONNECTOR = "sshd-netcon-detector";

    /** Prefix of the stable per-reason names in {@link #EXCEPTION_CLASS}. */
    public static final String EXCEPTION_CLASS_PREFIX = "io.sshdnetcon.";

    private DeadLetterHeaders() {}

    /** Where in the job a record was set aside; Connect uses the same header for its stages. */
    public enum Stage {
        /** Reading an event: not JSON, wrong types, too large. */
        PARSE,
        /** Detection: late events, alerts that could not be built. */
        DETECT,
        /** Writing alerts: Elasticsearch refused the document. */
        SINK,
        /** The exclusions control topic: an invalid exclusion set. */
        CONTROL
    }

    /** An exhaustive switch, so a new reason cannot compile without choosing its stage. */
    public static Stage stage(DeadLetterReason reason) {
        return switch (reason) {
            case NOT_JSON,
                    NOT_AN_OBJECT,
                    DUPLICATE_KEY,
                    INVALID_TIMESTAMP,
                    WRONG_TYPE,
                    INVALID_DESTINATION,
                    RECORD_TOO_LARGE,
                    NESTING_TOO_DEEP,
                    NAME_TOO_LONG,
                    NUMBER_TOO_LONG,
                    STRING_TOO_LONG ->
                    Stage.PARSE;
            case LATE_EVENT, ALERT_BUILD_FAILED -> Stage.DETECT;
            case ELASTICSEARCH_REJECTED -> Stage.SINK;
            case INVALID_EXCLUSION_SET -> Stage.CONTROL;
        };
    }

    /**
     * A stable class-like name per reason ({@code not_json} becomes {@code io.sshdnetcon.NotJson}).
     * No Java exception is involved; Connect consumers group errors by this header.
     */
    public static String exceptionClassName(DeadLetterReason reason) {
        StringBuilder name = new StringBuilder(EXCEPTION_CLASS_PREFIX);
        for (String word : reason.code().split("_")) {
            if (!word.isEmpty()) {
                name.append(word.substring(0, 1).toUpperCase(Locale.ROOT))
                        .append(word.substring(1));
            }
        }
        return name.toString();
    }
}
