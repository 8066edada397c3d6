package io.sshdnetcon.fleet;

import java.time.Instant;

/**
 * One host with a clock fault (see {@link ClockFaults}), as the report names it.
 *
 * @param fault what is wrong with it
 * @param amountMs the skew, the delay (how long the agent stays offline) or the step
 * @param fromMs fleet time from which it applies: for a step, the step; for a delay, the start of
 *     the first offline stretch (the corpus's start); for a skew, the corpus's start
 */
public record HostClock(String hostName, String hostId, Fault fault, long amountMs, long fromMs) {

    public enum Fault {
        SKEWED,
        DELAYED,
        STEPPING
    }

    /** The host's {@code @timestamp} for an event at fleet time {@code fleetMs}. */
    public long timestampAt(long fleetMs) {
        return switch (fault) {
            case SKEWED -> fleetMs + amountMs;
            case STEPPING -> fleetMs >= fromMs ? fleetMs + amountMs : fleetMs;
            case DELAYED -> fleetMs;
        };
    }

    /**
     * The fleet time at which the agent sends the line of an event at {@code fleetMs}: the end of
     * the offline stretch it falls in, else at once. The stretches are {@code [fromMs + 2kD, fromMs
     * + (2k + 1)D)} for {@code D = amountMs}.
     */
    public long sentAt(long fleetMs) {
        if (fault != Fault.DELAYED || fleetMs < fromMs) {
            return fleetMs;
        }
        long phase = Math.floorMod(fleetMs - fromMs, 2 * amountMs);
        return phase < amountMs ? fleetMs - phase + amountMs : fleetMs;
    }

    /** For the summary line: {@code web-prod-01 +3600000 ms}, and the like. */
    String describe() {
        String amount = (amountMs > 0 ? "+" : "") + amountMs + " ms";
        return switch (fault) {
            case SKEWED -> hostName + " skewed " + amount;
            case DELAYED ->
                    hostName + " offline " + amountMs + " ms of every " + 2 * amountMs + " ms";
            case STEPPING -> hostName + " steps " + amount + " at " + Instant.ofEpochMilli(fromMs);
        };
    }
}
