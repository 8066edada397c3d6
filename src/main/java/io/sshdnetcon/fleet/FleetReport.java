package io.sshdnetcon.fleet;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a run wrote, and the ground truth of its planted sequences. The expected alerts of a clean
 * corpus are exactly {@code attacks}; no alert may involve a near miss's connection.
 */
public record FleetReport(
        long eventsWritten,
        long duplicatesWritten,
        Map<MalformedKind, Long> malformedWritten,
        List<PlantedAttack> attacks,
        List<PlantedNearMiss> nearMisses,
        long firstTimestampMs,
        long lastTimestampMs) {

    public FleetReport {
        malformedWritten =
                malformedWritten.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(malformedWritten));
        attacks = List.copyOf(attacks);
        nearMisses = List.copyOf(nearMisses);
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
                + Instant.ofEpochMilli(lastTimestampMs);
    }
}
