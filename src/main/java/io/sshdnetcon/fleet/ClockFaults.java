package io.sshdnetcon.fleet;

/**
 * Hosts whose clocks or agents misbehave, the shapes issue 7 ("time is per host") is about. Each
 * kind picks its own hosts, by seed, among the Linux hosts; no host gets two kinds. Fleet time is
 * the generator's own clock, the one activities are laid out on and lines are delivered in.
 *
 * @param skewedHosts hosts whose clock is off by {@code skewMs} all along: their {@code @timestamp}
 *     is fleet time + {@code skewMs} (negative: behind)
 * @param delayedHosts hosts whose agent is offline for {@code delayMs} of fleet time, then online
 *     for {@code delayMs}, and so on from the first event on; what it buffers while offline is
 *     delivered at once when it comes back, so a line is delivered up to {@code delayMs} late, in
 *     bursts. Their {@code @timestamp}s are right
 * @param steppingHosts hosts whose clock jumps by {@code stepMs} halfway through the stream, at
 *     fleet time {@code start + events / eventsPerSecond / 2}: from then on their {@code
 *     @timestamp} is fleet time + {@code stepMs} (negative: steps back)
 */
public record ClockFaults(
        int skewedHosts,
        long skewMs,
        int delayedHosts,
        long delayMs,
        int steppingHosts,
        long stepMs) {

    public static final ClockFaults NONE = new ClockFaults(0, 0, 0, 0, 0, 0);

    /** A year and a day: far beyond any real clock fault, and it keeps every timestamp in range. */
    public static final long MAX_MS = 366L * 86_400_000L;

    public ClockFaults {
        check("skewed hosts", skewedHosts, "skew", "--skew-ms", skewMs);
        check("delayed hosts", delayedHosts, "delay", "--delay-ms", delayMs);
        check("stepping hosts", steppingHosts, "step", "--step-ms", stepMs);
        if (delayMs < 0) {
            throw new IllegalArgumentException("delay must be > 0 ms, got " + delayMs);
        }
    }

    public ClockFaults withSkew(int hosts, long ms) {
        return new ClockFaults(hosts, ms, delayedHosts, delayMs, steppingHosts, stepMs);
    }

    public ClockFaults withDelay(int hosts, long ms) {
        return new ClockFaults(skewedHosts, skewMs, hosts, ms, steppingHosts, stepMs);
    }

    public ClockFaults withStep(int hosts, long ms) {
        return new ClockFaults(skewedHosts, skewMs, delayedHosts, delayMs, hosts, ms);
    }

    /** Hosts with a fault of any kind. */
    public int affectedHosts() {
        return skewedHosts + delayedHosts + steppingHosts;
    }

    private static void check(String hostsName, int hosts, String name, String flag, long ms) {
        if (hosts < 0) {
            throw new IllegalArgumentException(hostsName + " must be >= 0, got " + hosts);
        }
        if (hosts > 0 && ms == 0) {
            throw new IllegalArgumentException(
                    hostsName + " need a " + name + " other than 0 (" + flag + ")");
        }
        if (hosts == 0 && ms != 0) {
            throw new IllegalArgumentException(
                    "a " + name + " of " + ms + " ms needs " + hostsName + " to apply to");
        }
        if (ms > MAX_MS || ms < -MAX_MS) {
            throw new IllegalArgumentException(
                    name + " must be within ±" + MAX_MS + " ms (366 days), got " + ms);
        }
    }
}
