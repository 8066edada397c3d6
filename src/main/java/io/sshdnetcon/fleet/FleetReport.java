package io.sshdnetcon.fleet;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a run wrote, and the ground truth of its planted sequences. The expected alerts of a clean
 * corpus are exactly {@code attacks}; no alert may involve a near miss's connection. With clock
 * faults, the expected alerts are those a detector with per-host time finds: the attacks minus any
 * that the faults make late (a step back makes a host's events late until its clock catches up).
 *
 * @param firstTimestampMs fleet time of the first event (a host's {@code @timestamp} may differ
 *     from fleet time by its clock fault)
 * @param lastTimestampMs fleet time of the last event
 * @param hostClocks the hosts with clock faults, skewed first, then delayed, then stepping
 */
public record FleetReport(
        long eventsWritten,
        long duplicatesWritten,
        Map<MalformedKind, Long> malformedWritten,
        List<PlantedAttack> attacks,
        List<PlantedNearMiss> nearMisses,
        long firstTimestampMs,
        long lastTimestampMs,
        List<HostClock> hostClocks) {

    public FleetReport {
        malformedWritten =
                malformedWritten.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(malformedWritten));
        attacks = List.copyOf(attacks);
        nearMisses = List.copyOf(nearMisses);
        hostClocks = List.copyOf(hostClocks);
    }

    public long malformedTotal() {
        return malformedWritten.values().stream().mapToLong(Long::longValue).sum();
    }

    public long linesWritten() {
        return eventsWritten + duplicatesWritten + malformedTotal();
    }

    /** The one-line summary the CLI prints to stderr. */
    public String summary() {
        return "fleet: wrote "
                + eventsWritten
                + " events"
                + (duplicatesWritten > 0 ? " + " + duplicatesWritten + " duplicates" : "")
                + (malformedTotal() > 0 ? " + " + malformedTotal() + " malformed lines" : "")
                + ", planted "
                + attacks.size()
                + " attacks and "
                + nearMisses.size()
                + " near misses"
                + ", event time "
                + Instant.ofEpochMilli(firstTimestampMs)
                + " .. "
                + Instant.ofEpochMilli(lastTimestampMs)
                + (hostClocks.isEmpty()
                        ? ""
                        : ", clock faults: "
                                + String.join(
                                        ", ",
                                        hostClocks.stream().map(HostClock::describe).toList()));
    }
}
