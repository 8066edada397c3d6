package io.sshdnetcon.job;

import io.sshdnetcon.metrics.MetricNames;
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
        Duration elapsed) {

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
                elapsed);
    }

    public long eventsPerSecond() {
        long millis = Math.max(1, elapsed.toMillis());
        return read * 1000 / millis;
    }

    /** One line, {@code <mode>: read=... alerts=...}. */
    public String line(String mode) {
        return String.format(
                "%s: read=%d parsed=%d skipped=%d malformed=%d relevant=%d invalid_destination=%d"
                    + " unjoinable=%d late=%d excluded=%d alerts=%d elapsed_ms=%d events_per_s=%d",
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
                eventsPerSecond());
    }

    private static long count(Map<String, Object> accumulators, String name) {
        Object value = accumulators.get(name);
        return value instanceof Number n ? n.longValue() : 0L;
    }
}
