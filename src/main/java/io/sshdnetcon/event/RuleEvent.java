package io.sshdnetcon.event;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The compact projection of one ECS event that can fill a stage of the sequence: only what the
 * sequence, the exclusions and the alert need, plus the original bytes for the alert's {@code
 * Events}.
 *
 * <p>This is the type that crosses the network shuffle and sits in CEP state, so it stays flat and
 * Flink serializes it as a POJO (no Kryo).
 *
 * @param stage which stage the event can fill
 * @param hostId {@code host.id}
 * @param joinId the sequence's join value: {@code process.entity_id} for {@link Stage#EXEC}, {@code
 *     process.parent.entity_id} for {@link Stage#CONNECT}
 * @param timestamp {@code @timestamp} in epoch milliseconds (truncated)
 * @param eventId {@code event.id}, or null when the event has none (the alert id then hashes {@link
 *     #raw})
 * @param destination {@code destination.ip} values as 128-bit pairs (high, low), IPv4 stored as
 *     IPv4-mapped IPv6; empty for exec events and for connections without a destination
 * @param processExecutables {@code process.executable} values (connections only)
 * @param processNames {@code process.name} values (connections only)
 * @param raw the event exactly as received
 * @param exclusionsVersion version of the exclusion set that let this connection through; 0 until
 *     the exclusion step has seen it
 * @param arrivalDelayMs how long after its {@code @timestamp} the event arrived (Kafka: the record's
 *     timestamp minus {@code @timestamp}; files: its host's newest time so far minus {@code
 *     @timestamp}); null where not known (events restored from a savepoint written before 0.2.0)
 */
public record RuleEvent(
        Stage stage,
        String hostId,
        String joinId,
        long timestamp,
        String eventId,
        long[] destination,
        List<String> processExecutables,
        List<String> processNames,
        byte[] raw,
        long exclusionsVersion,
        Long arrivalDelayMs) {

    public static final long[] NO_ADDRESSES = new long[0];

    /** The partitioning and CEP key: one host and one join value. */
    public String sequenceKey() {
        return sequenceKey(hostId, joinId);
    }

    /**
     * Length-prefixed so that no pair of (host, join value) strings can collide, whatever
     * characters they contain.
     */
    public static String sequenceKey(String hostId, String joinId) {
        return hostId.length() + ":" + hostId + joinId;
    }

    public RuleEvent withExclusionsVersion(long version) {
        return new RuleEvent(
                stage,
                hostId,
                joinId,
                timestamp,
                eventId,
                destination,
                processExecutables,
                processNames,
                raw,
                version,
                arrivalDelayMs);
    }

    public RuleEvent withArrivalDelay(long delayMs) {
        return new RuleEvent(
                stage,
                hostId,
                joinId,
                timestamp,
                eventId,
                destination,
                processExecutables,
                processNames,
                raw,
                exclusionsVersion,
                delayMs);
    }

    // Arrays compare by content so that events behave as values (CEP expects sane equals).
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RuleEvent other)) {
            return false;
        }
        return timestamp == other.timestamp
                && exclusionsVersion == other.exclusionsVersion
                && stage == other.stage
                && Objects.equals(hostId, other.hostId)
                && Objects.equals(joinId, other.joinId)
                && Objects.equals(eventId, other.eventId)
                && Arrays.equals(destination, other.destination)
                && Objects.equals(processExecutables, other.processExecutables)
                && Objects.equals(processNames, other.processNames)
                && Objects.equals(arrivalDelayMs, other.arrivalDelayMs)
                && Arrays.equals(raw, other.raw);
    }

    @Override
    public int hashCode() {
        return Objects.hash(stage, hostId, joinId, timestamp, eventId) * 31 + Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return "RuleEvent{"
                + stage
                + " host="
                + hostId
                + " join="
                + joinId
                + " t="
                + timestamp
                + " id="
                + eventId
                + "}";
    }
}
