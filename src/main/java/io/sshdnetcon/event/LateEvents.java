package io.sshdnetcon.event;

import java.time.Instant;

/** Builds the dead letter for a late candidate, saying what it was late against. */
public final class LateEvents {

    private LateEvents() {}

    /**
     * Late for CEP: at or before the release clock's watermark. The ordering releases nothing
     * behind that clock, so this only records a broken invariant instead of losing the event.
     */
    public static DeadLetter deadLetter(
            RuleEvent event, long watermark, String source, int partition, long offset) {
        return late(
                event,
                "is at or before the watermark " + describeWatermark(watermark),
                source,
                partition,
                offset);
    }

    /** Late for its own host: more than the bound behind the newest time that host has sent. */
    public static DeadLetter behindItsHost(
            RuleEvent event,
            long hostNewest,
            long boundMs,
            String source,
            int partition,
            long offset) {
        return late(
                event,
                "is more than "
                        + boundMs
                        + " ms behind host "
                        + event.hostId()
                        + "'s newest event time "
                        + Instant.ofEpochMilli(hostNewest),
                source,
                partition,
                offset);
    }

    /**
     * Late for its host's order: it arrived after an idle flush had released a candidate it must
     * precede (an earlier time, or an exec at the time of a released connection).
     */
    public static DeadLetter behindAnIdleFlush(
            RuleEvent event, long flushedThrough, String source, int partition, long offset) {
        return late(
                event,
                "arrived after host "
                        + event.hostId()
                        + "'s idle flush had released its candidates up to "
                        + Instant.ofEpochMilli(flushedThrough)
                        + "; it cannot be put before them",
                source,
                partition,
                offset);
    }

    private static DeadLetter late(
            RuleEvent event, String why, String source, int partition, long offset) {
        return new DeadLetter(
                DeadLetterReason.LATE_EVENT,
                "event time " + Instant.ofEpochMilli(event.timestamp()) + " " + why,
                event.raw(),
                source,
                partition,
                offset,
                System.currentTimeMillis());
    }

    private static String describeWatermark(long watermark) {
        return watermark == Long.MIN_VALUE ? "(none)" : Instant.ofEpochMilli(watermark).toString();
    }
}
