package io.sshdnetcon.event;

/**
 * What the parsing stage tells the per-host ordering about one host: a candidate, or only that the
 * host's clock moved (an event the rule does not use).
 *
 * @param hostId the host's {@code host.id}
 * @param hostClockBefore the newest {@code @timestamp} the parsing stage had seen from this host
 *     before this record, or {@link Long#MIN_VALUE} if none (the parsing stage forgets it on a
 *     restart; the ordering keeps its own in state)
 * @param timestamp the record's {@code @timestamp}
 * @param event the candidate, or null when only the clock moved
 * @param source where the record came from (topic or file), for a late event's dead letter
 * @param partition its partition, or -1
 * @param offset its offset or line number
 */
public record HostEvent(
        String hostId,
        long hostClockBefore,
        long timestamp,
        RuleEvent event,
        String source,
        int partition,
        long offset) {

    public static final long NO_CLOCK = Long.MIN_VALUE;

    public static HostEvent clock(String hostId, long hostClockBefore, long timestamp) {
        return new HostEvent(hostId, hostClockBefore, timestamp, null, null, -1, -1);
    }

    public boolean isClockOnly() {
        return event == null;
    }
}
