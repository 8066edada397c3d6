package io.sshdnetcon.fleet;

import io.sshdnetcon.fleet.FleetHost.HostRole;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Writes a deterministic NDJSON corpus of Elastic Defend events from a simulated fleet, with
 * planted attacks and near misses spread evenly through it, and reports the ground truth.
 *
 * <p>How time works: activities (a cron run, an SSH session, a planted sequence) start at a clock
 * that advances by an exponential gap sized so the fleet averages {@code eventsPerSecond}; each
 * activity lays out its events at absolute times at or after its start. A priority queue releases
 * events in (time, schedule order), and an event is released once the clock has passed it, so the
 * output is in event-time order. Chaos, if any, is applied after that, from its own random stream,
 * so the clean events are byte-identical with or without it.
 *
 * <p>Clock faults ({@link ClockFaults}) act at the same point: the queue and the delivery work in
 * fleet time, and a faulty host's line gets its own clock's {@code @timestamp} when it is written
 * and its agent's delay when it is delivered. A planted sequence on a stepping host never straddles
 * the step (it is moved to start at the step), so its spacing holds in the host's clock. The hosts
 * come from a random stream of their own, and without faults nothing else changes, so the corpus is
 * then byte-identical to one made before the option existed.
 */
public final class FleetGenerator {

    /**
     * Share of noise events that spell some paths with dotted keys; planted sequences use a larger
     * share.
     */
    private static final double NOISE_DOTTED_SHARE = 0.03;

    private static final double PLANTED_DOTTED_SHARE = 0.25;

    /**
     * Activities lay out events up to minutes ahead, so a clock started at {@code start} would
     * leave the first minutes too sparse. The clock starts this much earlier (capped at the
     * corpus's own duration) and events before {@code start} are dropped.
     */
    private static final long MAX_PRE_ROLL_MS = 300_000;

    private final FleetConfig config;

    public FleetGenerator(FleetConfig config) {
        this.config = config;
    }

    private record Scheduled(long timestampMs, long sequence, FleetEvent event) {}

    private record PlannedSequence(boolean attack, int ordinal) {}

    /** Writes the corpus to {@code out} (flushed, not closed) and returns what was written. */
    public FleetReport writeTo(OutputStream target) throws IOException {
        SplittableRandom root = new SplittableRandom(config.seed());
        SplittableRandom fleetRandom = root.split();
        SplittableRandom noiseRandom = root.split();
        SplittableRandom plantedRandom = root.split();
        SplittableRandom clockRandom = root.split();
        SplittableRandom styleRandom = root.split();
        SplittableRandom chaosRandom = root.split();
        SplittableRandom faultyHostRandom = root.split();

        long startMs = config.start().toEpochMilli();
        List<FleetHost> hosts = buildFleet(fleetRandom, startMs);
        List<FleetHost> linuxHosts = hosts.stream().filter(h -> h.os.isLinux()).toList();
        HostClock[] clockOf = new HostClock[hosts.size()];
        List<FleetHost> faultyHosts = new ArrayList<>();
        List<HostClock> hostClocks =
                assignClocks(linuxHosts, faultyHostRandom, startMs, clockOf, faultyHosts);
        long stepAtMs =
                config.clockFaults().steppingHosts() > 0 ? config.stepAtMs() : Long.MAX_VALUE;
        NoiseActivities noise = new NoiseActivities(hosts, noiseRandom);
        PlantedScenarios planted = new PlantedScenarios(linuxHosts, plantedRandom, faultyHosts);
        List<PlannedSequence> plan = plan();

        OutputStream out =
                target instanceof BufferedOutputStream
                        ? target
                        : new BufferedOutputStream(target, 1 << 20);
        EcsEventWriter writer = new EcsEventWriter();
        ChaosDelivery delivery = new ChaosDelivery(out, config, chaosRandom);
        PriorityQueue<Scheduled> queue =
                new PriorityQueue<>(
                        (a, b) ->
                                a.timestampMs != b.timestampMs
                                        ? Long.compare(a.timestampMs, b.timestampMs)
                                        : Long.compare(a.sequence, b.sequence));
        List<PlantedAttack> attacks = new ArrayList<>();
        List<PlantedNearMiss> nearMisses = new ArrayList<>();

        long total = config.events();
        long scheduled = 0;
        long sequence = 0;
        long written = 0;
        long first = Long.MIN_VALUE;
        long last = Long.MIN_VALUE;
        int nextPlanted = 0;
        double meanGapPerEventMs = 1000.0 / config.eventsPerSecond();
        double clock = startMs - Math.min(MAX_PRE_ROLL_MS, total * meanGapPerEventMs);

        while (scheduled < total || !queue.isEmpty()) {
            long now = scheduled < total ? (long) clock : Long.MAX_VALUE;
            while (!queue.isEmpty() && queue.peek().timestampMs < now) {
                Scheduled next = queue.poll();
                FleetEvent event = next.event;
                HostClock hostClock = clockOf[event.host().index];
                if (hostClock == null) {
                    long t = event.timestampMs();
                    delivery.deliver(t, t, t, writer.write(event), event.host().name);
                } else {
                    long t = event.timestampMs();
                    long hostT = hostClock.timestampAt(t);
                    delivery.deliver(
                            t,
                            hostClock.sentAt(t),
                            hostT,
                            writer.write(event.withTimestampMs(hostT)),
                            event.host().name);
                }
                written++;
                first = first == Long.MIN_VALUE ? event.timestampMs() : first;
                last = event.timestampMs();
            }
            if (scheduled >= total) {
                break;
            }
            int plantedLeft = plan.size() - nextPlanted;
            long noiseBudget =
                    total - scheduled - (long) plantedLeft * FleetConfig.MAX_PLANTED_EVENTS;
            List<FleetEvent> activity;
            double dottedShare;
            boolean started = now >= startMs;
            if (started
                    && plantedLeft > 0
                    && (scheduled >= threshold(nextPlanted, plan.size()) || noiseBudget < 1)) {
                PlannedSequence p = plan.get(nextPlanted++);
                PlantedScenarios.Planted sequenceOut =
                        p.attack
                                ? planted.attack(p.ordinal, now)
                                : planted.nearMiss(p.ordinal, now);
                if (sequenceOut.events().size() > FleetConfig.MAX_PLANTED_EVENTS) {
                    throw new IllegalStateException(
                            "planted sequence larger than its reserved room: "
                                    + sequenceOut.events().size());
                }
                if (sequenceOut.attack() != null) {
                    attacks.add(sequenceOut.attack());
                } else {
                    nearMisses.add(sequenceOut.nearMiss());
                }
                activity = clearOfTheStep(sequenceOut.events(), clockOf, stepAtMs);
                dottedShare = PLANTED_DOTTED_SHARE;
            } else {
                activity = noise.next(now);
                if (countFrom(activity, startMs) > noiseBudget) {
                    activity = noise.single(now); // land exactly on the requested count
                }
                dottedShare = NOISE_DOTTED_SHARE;
            }
            for (FleetEvent event : activity) {
                if (event.timestampMs() < now) {
                    throw new IllegalStateException("activity event before its start: " + event);
                }
                if (event.timestampMs() < startMs) {
                    continue; // pre-roll
                }
                FleetEvent styled =
                        styleRandom.nextDouble() < dottedShare
                                ? event.withKeyStyle(KeyStyle.dotted(styleRandom.nextInt(4)))
                                : event;
                queue.add(new Scheduled(styled.timestampMs(), sequence++, styled));
            }
            scheduled += countFrom(activity, startMs);
            // Exponential inter-arrival with the mean that keeps the fleet at eventsPerSecond on
            // average.
            clock +=
                    -Math.log(1.0 - clockRandom.nextDouble()) * meanGapPerEventMs * activity.size();
        }
        delivery.finish();
        out.flush();
        return new FleetReport(
                written,
                delivery.duplicatesWritten(),
                delivery.malformedWritten(),
                attacks,
                nearMisses,
                first,
                last,
                hostClocks);
    }

    /**
     * Throws {@link IllegalArgumentException} when the fleet has too few Linux hosts for the clock
     * faults asked for. The fleet is built from the seed alone, so this needs no writing.
     */
    public void checkClockFaultsFit() {
        SplittableRandom fleetRandom = new SplittableRandom(config.seed()).split();
        long linux =
                buildFleet(fleetRandom, config.start().toEpochMilli()).stream()
                        .filter(h -> h.os.isLinux())
                        .count();
        int wanted = config.clockFaults().affectedHosts();
        if (wanted > linux) {
            throw new IllegalArgumentException(
                    wanted
                            + " hosts with clock faults, but this fleet (seed "
                            + config.seed()
                            + ") has only "
                            + linux
                            + " Linux hosts of "
                            + config.hosts());
        }
    }

    /**
     * Picks the faulty hosts among the Linux hosts, by seed: a shuffle, then skewed, delayed and
     * stepping hosts in that order. Fills {@code clockOf} (by host index) and {@code faultyHosts}.
     */
    private List<HostClock> assignClocks(
            List<FleetHost> linuxHosts,
            SplittableRandom rng,
            long startMs,
            HostClock[] clockOf,
            List<FleetHost> faultyHosts) {
        ClockFaults faults = config.clockFaults();
        if (faults.affectedHosts() == 0) {
            return List.of();
        }
        checkClockFaultsFit();
        List<FleetHost> shuffled = new ArrayList<>(linuxHosts);
        for (int i = shuffled.size() - 1; i > 0; i--) {
            Collections.swap(shuffled, i, rng.nextInt(i + 1));
        }
        List<HostClock> clocks = new ArrayList<>();
        for (int i = 0; i < faults.affectedHosts(); i++) {
            FleetHost host = shuffled.get(i);
            HostClock clock;
            if (i < faults.skewedHosts()) {
                clock =
                        new HostClock(
                                host.name,
                                host.id,
                                HostClock.Fault.SKEWED,
                                faults.skewMs(),
                                startMs);
            } else if (i < faults.skewedHosts() + faults.delayedHosts()) {
                clock =
                        new HostClock(
                                host.name,
                                host.id,
                                HostClock.Fault.DELAYED,
                                faults.delayMs(),
                                startMs);
            } else {
                clock =
                        new HostClock(
                                host.name,
                                host.id,
                                HostClock.Fault.STEPPING,
                                faults.stepMs(),
                                config.stepAtMs());
            }
            clocks.add(clock);
            clockOf[host.index] = clock;
            faultyHosts.add(host);
        }
        return clocks;
    }

    /**
     * A planted sequence on a stepping host that would straddle the step starts at the step
     * instead, so that its exec and connection are on one clock and keep their spacing. Moving it
     * later never puts an event before the generator's clock.
     */
    private static List<FleetEvent> clearOfTheStep(
            List<FleetEvent> events, HostClock[] clockOf, long stepAtMs) {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        boolean stepping = false;
        for (FleetEvent event : events) {
            first = Math.min(first, event.timestampMs());
            last = Math.max(last, event.timestampMs());
            HostClock hostClock = clockOf[event.host().index];
            stepping |= hostClock != null && hostClock.fault() == HostClock.Fault.STEPPING;
        }
        if (!stepping || first >= stepAtMs || last < stepAtMs) {
            return events;
        }
        long shift = stepAtMs - first;
        return events.stream().map(e -> e.withTimestampMs(e.timestampMs() + shift)).toList();
    }

    private static int countFrom(List<FleetEvent> activity, long startMs) {
        int count = 0;
        for (FleetEvent event : activity) {
            if (event.timestampMs() >= startMs) {
                count++;
            }
        }
        return count;
    }

    /**
     * Attack i is followed by its near misses, so both spread evenly and their ratio holds in any
     * prefix.
     */
    private List<PlannedSequence> plan() {
        List<PlannedSequence> plan = new ArrayList<>();
        for (int i = 0; i < config.attacks(); i++) {
            plan.add(new PlannedSequence(true, i));
            for (int j = 0; j < FleetConfig.NEAR_MISSES_PER_ATTACK; j++) {
                plan.add(new PlannedSequence(false, i * FleetConfig.NEAR_MISSES_PER_ATTACK + j));
            }
        }
        return plan;
    }

    /**
     * Planted sequence {@code i} of {@code n} starts once (i + 1) / (n + 1) of the events are
     * scheduled.
     */
    private long threshold(int i, int n) {
        return (i + 1L) * config.events() / (n + 1L);
    }

    private List<FleetHost> buildFleet(SplittableRandom rng, long startMs) {
        HostRole[] linuxRoles = {
            HostRole.WEB,
            HostRole.WEB,
            HostRole.API,
            HostRole.API,
            HostRole.DB,
            HostRole.WORKER,
            HostRole.WORKER,
            HostRole.K8S_NODE,
            HostRole.K8S_NODE,
            HostRole.K8S_NODE,
            HostRole.BASTION,
            HostRole.CI_RUNNER,
            HostRole.CACHE
        };
        int[] roleCounters = new int[HostRole.values().length];
        Set<String> prefixes = new HashSet<>();
        List<FleetHost> hosts = new ArrayList<>();
        for (int i = 0; i < config.hosts(); i++) {
            int roll =
                    i < 2 ? 0 : rng.nextInt(100); // hosts 0 and 1 are Linux: near misses need two
            OsProfile os;
            HostRole role;
            String name;
            if (roll < 82) {
                os = OsProfile.LINUX.get(rng.nextInt(OsProfile.LINUX.size()));
                role = linuxRoles[rng.nextInt(linuxRoles.length)];
                name =
                        role.label
                                + "-"
                                + (rng.nextInt(10) < 7 ? "prod" : "stg")
                                + "-"
                                + String.format(
                                        Locale.ROOT, "%02d", ++roleCounters[role.ordinal()]);
            } else if (roll < 94) {
                os = OsProfile.WINDOWS.get(rng.nextInt(OsProfile.WINDOWS.size()));
                boolean server = os.name().contains("Server");
                role = server ? HostRole.WINDOWS_SERVER : HostRole.WINDOWS_DESKTOP;
                name =
                        server
                                ? String.format(
                                        Locale.ROOT, "WIN-FS%02d", ++roleCounters[role.ordinal()])
                                : "DESKTOP-" + randomUpper(rng, 7);
            } else {
                os = OsProfile.MACOS.get(rng.nextInt(OsProfile.MACOS.size()));
                role = HostRole.LAPTOP;
                name =
                        new String[] {"alice", "bob", "carol", "dave", "erin"}[rng.nextInt(5)]
                                + "-mbp-"
                                + ++roleCounters[role.ordinal()];
            }
            String prefix;
            do {
                prefix = FleetHost.randomEventIdPrefix(rng);
            } while (!prefixes.add(prefix));
            hosts.add(new FleetHost(i, os, role, name, rng, startMs, prefix));
        }
        return hosts;
    }

    private static String randomUpper(SplittableRandom rng, int length) {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(rng.nextInt(alphabet.length())));
        }
        return out.toString();
    }
}
