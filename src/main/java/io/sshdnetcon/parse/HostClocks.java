package io.sshdnetcon.parse;

import io.sshdnetcon.event.HostEvent;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * What one parsing task knows of each host's clock: its newest {@code @timestamp}, how long the
 * ordering may still wait on it, and how far its clock is from the arrival times of its records.
 *
 * <p>Hosts not heard from for half a retention period or more are forgotten at the next sweep (one
 * every half period), so hosts that come and go (autoscaled fleets) do not grow the table for ever,
 * and a host is forgotten here no later than the ordering forgets it. The spread of clock offsets
 * is summarised at most every {@link #SUMMARY_INTERVAL_MS}, on the task thread, and published as
 * plain values the metric reporters may read from their own thread.
 */
final class HostClocks {

    static final long SUMMARY_INTERVAL_MS = 10_000;
    static final long ONE_MINUTE_MS = 60_000;
    static final long ONE_HOUR_MS = 3_600_000;

    /** Looking at the wall clock once per this many records keeps it off the per-record path. */
    private static final int RECORDS_PER_CLOCK_READ = 1024;

    /** One host. Mutable on purpose: one per host, touched on every record of that host. */
    static final class Clock {
        /** Newest {@code @timestamp} seen, or {@link HostEvent#NO_CLOCK}. */
        long newest = HostEvent.NO_CLOCK;

        /**
         * After a restore: the ordering may hold events of this host this task never saw, so it
         * hears of every move of the host's time until its release frontier reaches this.
         */
        long awaitedUntil = Long.MIN_VALUE;

        /** Times at which the ordering has something of this host to release or retire. */
        final Deadlines deadlines = new Deadlines();

        /** {@code @timestamp} minus arrival time of the newest record that had both. */
        long offsetMs;

        boolean hasOffset;

        long seenInGeneration;
    }

    /** Published summary of the offsets (read by metric reporters). */
    record Spread(int hosts, int ahead1m, int ahead1h, int behind1m, int behind1h, long maxAbsMs) {
        static final Spread NONE = new Spread(0, 0, 0, 0, 0, 0);
    }

    private final long retentionMs;
    private final Map<String, Clock> clocks = new HashMap<>();
    private long generation;
    private int sinceClockRead;
    private long nextSweep;
    private long nextSummary;
    private volatile Spread spread = Spread.NONE;

    HostClocks(long retentionMs) {
        this.retentionMs = retentionMs;
    }

    /** The host's clock, created on first sight; marks it as heard from. */
    Clock touch(String hostId, long nowIfFirst) {
        Clock clock = clocks.get(hostId);
        if (clock == null) {
            clock = new Clock();
            clock.awaitedUntil = nowIfFirst;
            clocks.put(hostId, clock);
        }
        clock.seenInGeneration = generation;
        return clock;
    }

    /** Called once per record: sweeps and summarises when their time has come. */
    void tick() {
        if (++sinceClockRead < RECORDS_PER_CLOCK_READ) {
            return;
        }
        sinceClockRead = 0;
        long now = System.currentTimeMillis();
        if (now >= nextSummary) {
            summarise();
            nextSummary = now + SUMMARY_INTERVAL_MS;
        }
        if (nextSweep == 0) {
            nextSweep = now + retentionMs / 2;
        } else if (now >= nextSweep) {
            sweep();
            nextSweep = now + retentionMs / 2;
        }
    }

    /** Forgets hosts not heard from since the previous sweep. */
    void sweep() {
        for (Iterator<Clock> it = clocks.values().iterator(); it.hasNext(); ) {
            if (it.next().seenInGeneration < generation) {
                it.remove();
            }
        }
        generation++;
    }

    void summarise() {
        int hosts = 0;
        int ahead1m = 0;
        int ahead1h = 0;
        int behind1m = 0;
        int behind1h = 0;
        long maxAbs = 0;
        for (Clock clock : clocks.values()) {
            if (!clock.hasOffset) {
                continue;
            }
            hosts++;
            long offset = clock.offsetMs;
            if (offset > ONE_MINUTE_MS) {
                ahead1m++;
            }
            if (offset > ONE_HOUR_MS) {
                ahead1h++;
            }
            if (offset < -ONE_MINUTE_MS) {
                behind1m++;
            }
            if (offset < -ONE_HOUR_MS) {
                behind1h++;
            }
            maxAbs = Math.max(maxAbs, offset == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(offset));
        }
        spread = new Spread(hosts, ahead1m, ahead1h, behind1m, behind1h, maxAbs);
    }

    Spread spread() {
        return spread;
    }

    int size() {
        return clocks.size();
    }
}
