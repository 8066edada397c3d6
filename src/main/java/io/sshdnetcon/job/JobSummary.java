package io.sshdnetcon.job;

import io.sshdnetcon.metrics.MetricNames;
import io.sshdnetcon.metrics.ReadWindow;
import java.time.Duration;
import java.util.Map;

/**
 * The counts a finished bounded run (replay, or a Kafka backfill) reports, from the job's
 * accumulators.
 */
public record JobSummary(
        long read,
        long parsed,
        long skipped,
        long malformed,
        long relevant,
        long invalidDestination,
        long unjoinable,
        long late,
        long excluded,
        long alerts,
        Duration elapsed,
        Duration reading) {

    public static JobSummary from(Map<String, Object> accumulators, Duration elapsed) {
        return new JobSummary(
                count(accumulators, MetricNames.EVENTS_IN),
                count(accumulators, MetricNames.EVENTS_PARSED),
                count(accumulators, MetricNames.EVENTS_SKIPPED),
                count(accumulators, MetricNames.EVENTS_MALFORMED),
                count(accumulators, MetricNames.EVENTS_RELEVANT),
                count(accumulators, MetricNames.EVENTS_INVALID_DESTINATION),
                count(accumulators, MetricNames.EVENTS_MISSING_JOIN_KEY)
                        + count(accumulators, MetricNames.EVENTS_MULTI_VALUED_JOIN_KEY),
                count(accumulators, MetricNames.EVENTS_LATE),
                count(accumulators, MetricNames.EVENTS_EXCLUDED),
                count(accumulators, MetricNames.ALERTS),
                elapsed,
                reading(accumulators));
    }

    /** From the first record read to the last, over all source subtasks; zero if none was. */
    private static Duration reading(Map<String, Object> accumulators) {
        Object first = accumulators.get(ReadWindow.FIRST_RECORD_AT_MS);
        Object last = accumulators.get(ReadWindow.LAST_RECORD_AT_MS);
        if (first instanceof Number f
                && last instanceof Number l
                && l.longValue() >= f.longValue()) {
            return Duration.ofMillis(l.longValue() - f.longValue());
        }
        return Duration.ZERO;
    }

    /** Records read per second of the whole run, the cluster's start and end included. */
    public long eventsPerSecond() {
        return read * 1000 / Math.max(1, elapsed.toMillis());
    }

    /** Records read per second while the sources were reading: the pipeline's own rate. */
    public long readingEventsPerSecond() {
        return read * 1000 / Math.max(1, reading.toMillis());
    }

    /** One line, {@code <mode>: read=... alerts=...}. */
    public String line(String mode) {
        return String.format(
                "%s: read=%d parsed=%d skipped=%d malformed=%d relevant=%d invalid_destination=%d"
                    + " unjoinable=%d late=%d excluded=%d alerts=%d elapsed_ms=%d events_per_s=%d"
                    + " reading_ms=%d reading_events_per_s=%d",
                mode,
                read,
                parsed,
                skipped,
                malformed,
                relevant,
                invalidDestination,
                unjoinable,
                late,
                excluded,
                alerts,
                elapsed.toMillis(),
                eventsPerSecond(),
                reading.toMillis(),
                readingEventsPerSecond());
    }

    private static long count(Map<String, Object> accumulators, String name) {
        Object value = accumulators.get(name);
        return value instanceof Number n ? n.longValue() : 0L;
    }
}
