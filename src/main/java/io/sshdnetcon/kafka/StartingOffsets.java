package io.sshdnetcon.kafka;

import java.util.Locale;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

/**
 * Where the events source starts when the job has no checkpoint or savepoint to restore from (a
 * restored job always resumes from the offsets in its state).
 *
 * @param mode which position
 * @param timestampMillis for {@link Mode#TIMESTAMP} only: the first record at or after this time
 */
public record StartingOffsets(Mode mode, long timestampMillis) {

    public static final String FORMS = "committed, earliest, latest or timestamp:<epoch-ms>";

    private static final String TIMESTAMP_PREFIX = "timestamp:";

    public enum Mode {
        /** The consumer group's committed offsets; partitions without one start at the earliest. */
        COMMITTED,
        EARLIEST,
        LATEST,
        TIMESTAMP
    }

    public StartingOffsets {
        if (mode == Mode.TIMESTAMP && timestampMillis < 0) {
            throw new IllegalArgumentException(
                    "timestamp must not be negative: " + timestampMillis);
        }
    }

    /**
     * @throws IllegalArgumentException if {@code text} is none of {@link #FORMS}
     */
    public static StartingOffsets parse(String text) {
        String value = text.trim();
        switch (value) {
            case "committed":
                return new StartingOffsets(Mode.COMMITTED, -1);
            case "earliest":
                return new StartingOffsets(Mode.EARLIEST, -1);
            case "latest":
                return new StartingOffsets(Mode.LATEST, -1);
            default:
                break;
        }
        if (value.startsWith(TIMESTAMP_PREFIX)) {
            String millis = value.substring(TIMESTAMP_PREFIX.length());
            try {
                long timestamp = Long.parseLong(millis);
                if (timestamp >= 0) {
                    return new StartingOffsets(Mode.TIMESTAMP, timestamp);
                }
            } catch (NumberFormatException e) {
                // reported below with the accepted forms
            }
            throw new IllegalArgumentException(
                    "'"
                            + text
                            + "' needs a non-negative epoch-millisecond timestamp after '"
                            + TIMESTAMP_PREFIX
                            + "'");
        }
        throw new IllegalArgumentException("'" + text + "' is not one of " + FORMS);
    }

    // OffsetResetStrategy is deprecated in kafka-clients 4, but it is still the type the Flink
    // connector's OffsetsInitializer takes.
    @SuppressWarnings("deprecation")
    public OffsetsInitializer initializer() {
        return switch (mode) {
            case COMMITTED ->
                    OffsetsInitializer.committedOffsets(
                            org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST);
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
            case TIMESTAMP -> OffsetsInitializer.timestamp(timestampMillis);
        };
    }

    @Override
    public String toString() {
        return mode == Mode.TIMESTAMP
                ? TIMESTAMP_PREFIX + timestampMillis
                : mode.name().toLowerCase(Locale.ROOT);
    }
}
