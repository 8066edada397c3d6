package io.sshdnetcon.fleet;

import java.time.Instant;
import java.util.Objects;

/**
 * Everything that shapes a generated corpus. Same config, same bytes.
 *
 * @param events clean events to write (duplicates and malformed lines come on top)
 * @param hosts fleet size; mostly Linux, some Windows and macOS, hosts 0 and 1 always Linux
 * @param seed the only source of randomness
 * @param start event time of the first event
 * @param eventsPerSecond event-time density across the whole fleet
 * @param attacks planted true attack sequences; {@value #NEAR_MISSES_PER_ATTACK} near misses per
 *     attack
 * @param disorderMs 0 = event-time order; otherwise no line is more than this behind the latest one
 *     before it
 * @param duplicateRate probability that an event is delivered twice (the copy shortly after the
 *     original)
 * @param malformedRate probability, per event, of an extra malformed line
 * @param clockFaults hosts with skewed, delayed or stepping clocks; {@link ClockFaults#NONE} leaves
 *     the corpus exactly as it was before the option existed
 */
public record FleetConfig(
        long events,
        int hosts,
        long seed,
        Instant start,
        double eventsPerSecond,
        int attacks,
        long disorderMs,
        double duplicateRate,
        double malformedRate,
        ClockFaults clockFaults) {

    public static final int NEAR_MISSES_PER_ATTACK = 3;

    /** Upper bound on the events of one planted sequence; the generator reserves room for each. */
    static final int MAX_PLANTED_EVENTS = 24;

    public static final Instant DEFAULT_START = Instant.parse("2026-03-02T08:00:00Z");
    public static final double DEFAULT_EVENTS_PER_SECOND = 500;

    private static final Instant EARLIEST_START = Instant.parse("1971-01-01T00:00:00Z");
    private static final Instant LATEST_START = Instant.parse("9000-01-01T00:00:00Z");

    public FleetConfig {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(clockFaults, "clockFaults");
        if (events < 1) {
            throw new IllegalArgumentException("events must be >= 1, got " + events);
        }
        if (hosts < 2) {
            throw new IllegalArgumentException(
                    "hosts must be >= 2 (near misses need a second Linux host), got " + hosts);
        }
        if (!(eventsPerSecond > 0) || Double.isInfinite(eventsPerSecond)) {
            throw new IllegalArgumentException(
                    "events per second must be > 0, got " + eventsPerSecond);
        }
        if (attacks < 0) {
            throw new IllegalArgumentException("attacks must be >= 0, got " + attacks);
        }
        long needed = minimumEvents(attacks);
        if (events < needed) {
            throw new IllegalArgumentException(
                    attacks
                            + " attacks (plus their near misses) need at least "
                            + needed
                            + " events, got "
                            + events);
        }
        if (disorderMs < 0) {
            throw new IllegalArgumentException("disorder must be >= 0 ms, got " + disorderMs);
        }
        requireRate("duplicate rate", duplicateRate);
        requireRate("malformed rate", malformedRate);
        if (start.isBefore(EARLIEST_START) || start.isAfter(LATEST_START)) {
            throw new IllegalArgumentException(
                    "start must be between " + EARLIEST_START + " and " + LATEST_START);
        }
        if (clockFaults.affectedHosts() > hosts) {
            throw new IllegalArgumentException(
                    clockFaults.affectedHosts()
                            + " hosts with clock faults need at least as many hosts, got "
                            + hosts);
        }
    }

    /** Without clock faults. */
    public FleetConfig(
            long events,
            int hosts,
            long seed,
            Instant start,
            double eventsPerSecond,
            int attacks,
            long disorderMs,
            double duplicateRate,
            double malformedRate) {
        this(
                events,
                hosts,
                seed,
                start,
                eventsPerSecond,
                attacks,
                disorderMs,
                duplicateRate,
                malformedRate,
                ClockFaults.NONE);
    }

    /**
     * Defaults: event-time order, no chaos, one attack per 20,000 events (at least one when it
     * fits).
     */
    public static FleetConfig of(long events, int hosts, long seed) {
        return new FleetConfig(
                events,
                hosts,
                seed,
                DEFAULT_START,
                DEFAULT_EVENTS_PER_SECOND,
                defaultAttacks(events),
                0,
                0,
                0);
    }

    public static int defaultAttacks(long events) {
        int attacks = (int) Math.min(10_000, Math.max(1, events / 20_000));
        return events >= minimumEvents(attacks) ? attacks : 0;
    }

    /** Each planted sequence gets its own slice of the corpus, with room to spare. */
    public static long minimumEvents(int attacks) {
        return attacks == 0 ? 1 : (plantedSequences(attacks) + 1L) * MAX_PLANTED_EVENTS;
    }

    public int nearMisses() {
        return attacks * NEAR_MISSES_PER_ATTACK;
    }

    static int plantedSequences(int attacks) {
        return attacks * (1 + NEAR_MISSES_PER_ATTACK);
    }

    public FleetConfig withStart(Instant value) {
        return new FleetConfig(
                events,
                hosts,
                seed,
                value,
                eventsPerSecond,
                attacks,
                disorderMs,
                duplicateRate,
                malformedRate,
                clockFaults);
    }

    public FleetConfig withEventsPerSecond(double value) {
        return new FleetConfig(
                events,
                hosts,
                seed,
                start,
                value,
                attacks,
                disorderMs,
                duplicateRate,
                malformedRate,
                clockFaults);
    }

    public FleetConfig withAttacks(int value) {
        return new FleetConfig(
                events,
                hosts,
                seed,
                start,
                eventsPerSecond,
                value,
                disorderMs,
                duplicateRate,
                malformedRate,
                clockFaults);
    }

    public FleetConfig withDisorderMs(long value) {
        return new FleetConfig(
                events,
                hosts,
                seed,
                start,
                eventsPerSecond,
                attacks,
                value,
                duplicateRate,
                malformedRate,
                clockFaults);
    }

    public FleetConfig withDuplicateRate(double value) {
        return new FleetConfig(
                events,
                hosts,
                seed,
                start,
                eventsPerSecond,
                attacks,
                disorderMs,
                value,
                malformedRate,
                clockFaults);
    }

    public FleetConfig withMalformedRate(double value) {
        return new FleetConfig(
                events,
                hosts,
                seed,
                start,
                eventsPerSecond,
                attacks,
                disorderMs,
                duplicateRate,
                value,
                clockFaults);
    }

    public FleetConfig withClockFaults(ClockFaults value) {
        return new FleetConfig(
                events,
                hosts,
                seed,
                start,
                eventsPerSecond,
                attacks,
                disorderMs,
                duplicateRate,
                malformedRate,
                value);
    }

    /** {@code hosts} hosts, chosen by seed, whose clock is {@code skewMs} off all along. */
    public FleetConfig withSkewedHosts(int hosts, long skewMs) {
        return withClockFaults(clockFaults.withSkew(hosts, skewMs));
    }

    /** {@code hosts} hosts whose agent is offline {@code delayMs} of every {@code 2 * delayMs}. */
    public FleetConfig withDelayedHosts(int hosts, long delayMs) {
        return withClockFaults(clockFaults.withDelay(hosts, delayMs));
    }

    /** {@code hosts} hosts whose clock jumps by {@code stepMs} at {@link #stepAtMs()}. */
    public FleetConfig withSteppingHosts(int hosts, long stepMs) {
        return withClockFaults(clockFaults.withStep(hosts, stepMs));
    }

    /** Fleet time of the stepping hosts' step: halfway through the nominal duration. */
    public long stepAtMs() {
        return start.toEpochMilli() + (long) (events * 500.0 / eventsPerSecond);
    }

    private static void requireRate(String name, double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException(name + " must be within [0, 1], got " + rate);
        }
    }
}
