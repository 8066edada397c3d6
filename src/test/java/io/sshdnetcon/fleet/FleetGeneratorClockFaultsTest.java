package io.sshdnetcon.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sshdnetcon.testing.NdjsonLines;
import io.sshdnetcon.testing.ReferenceDetector;
import io.sshdnetcon.testing.ReferenceDetector.AlertPair;
import io.sshdnetcon.testing.ReferenceDetector.Exclusions;
import io.sshdnetcon.testing.ReferenceDetector.LateLine;
import io.sshdnetcon.testing.ReferenceDetector.Lateness;
import io.sshdnetcon.testing.ReferenceDetector.Result;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generator's clock faults (issue 7): skewed, delayed and stepping hosts. Each test checks the
 * shape of the traffic from the documented rule, on the output alone, and then what a detector with
 * per-host time must find in it.
 */
class FleetGeneratorClockFaultsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TEN_MINUTES = 600_000;
    private static final long ONE_HOUR = 3_600_000;
    private static final long B = 5_000;
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** One output line, read back. */
    private record Line(int index, String hostId, long timestampMs, String eventId, byte[] bytes) {}

    private record Corpus(List<Line> lines, FleetReport report) {
        List<byte[]> bytes() {
            return lines.stream().map(Line::bytes).toList();
        }

        Set<String> hostIds(HostClock.Fault fault) {
            return report.hostClocks().stream()
                    .filter(c -> c.fault() == fault)
                    .map(HostClock::hostId)
                    .collect(Collectors.toSet());
        }

        Map<String, Line> byEventId() {
            Map<String, Line> out = new HashMap<>();
            lines.stream()
                    .filter(l -> l.eventId() != null)
                    .forEach(l -> out.putIfAbsent(l.eventId(), l));
            return out;
        }

        /** The planted attacks as alerts, with the host.id of each (by its exec line). */
        Map<AlertPair, String> attacks() {
            Map<String, Line> byId = byEventId();
            Map<AlertPair, String> out = new HashMap<>();
            for (PlantedAttack a : report.attacks()) {
                out.put(
                        new AlertPair(a.execEventId(), a.networkEventId()),
                        byId.get(a.execEventId()).hostId());
            }
            return out;
        }
    }

    /**
     * Recorded from the generator before clock faults existed (commit c796a8f), on this JDK: the
     * options must leave a corpus without them byte for byte as it was.
     */
    @Test
    void withoutClockFaultsTheBytesAreThoseOfTheGeneratorBeforeThem() {
        FleetConfig clean = FleetConfig.of(30_000, 40, 20260302L).withAttacks(6);
        FleetConfig chaos =
                clean.withDisorderMs(2_000).withDuplicateRate(0.03).withMalformedRate(0.01);
        assertThat(sha256(clean))
                .isEqualTo("936618199d02d37e3934fad66a3779079951364bf78f701953a4a1a2c1ddddd0");
        assertThat(sha256(chaos))
                .isEqualTo("b223a2388c6ec7a2b022fbb637b5070f61deaa11b549f8738b65f3bd9d62603d");
        assertThat(summary(chaos))
                .isEqualTo(
                        "fleet: wrote 30000 events + 860 duplicates + 275 malformed lines, planted"
                            + " 6 attacks and 18 near misses, event time 2026-03-02T08:00:00.003Z"
                            + " .. 2026-03-02T08:02:58.256Z");
    }

    @Test
    void skewedHostsStampTheirOwnClockAndNothingElseChanges() {
        FleetConfig base = FleetConfig.of(20_000, 30, 31).withAttacks(8);
        Corpus behind = generate(base.withSkewedHosts(2, -TEN_MINUTES));
        Corpus ahead = generate(base.withSkewedHosts(2, ONE_HOUR));
        Set<String> skewed = behind.hostIds(HostClock.Fault.SKEWED);
        assertThat(skewed).hasSize(2).isEqualTo(ahead.hostIds(HostClock.Fault.SKEWED));
        assertThat(behind.report().hostClocks())
                .allSatisfy(
                        c -> {
                            assertThat(c.amountMs()).isEqualTo(-TEN_MINUTES);
                            assertThat(c.fromMs()).isEqualTo(base.start().toEpochMilli());
                        });

        // The same events in the same order: only the skewed hosts' clocks differ, by exactly
        // the difference of the two skews, in @timestamp and event.created alike.
        assertThat(behind.lines()).hasSameSizeAs(ahead.lines()).hasSize(20_000);
        for (int i = 0; i < behind.lines().size(); i++) {
            Line b = behind.lines().get(i);
            Line a = ahead.lines().get(i);
            assertThat(b.hostId()).isEqualTo(a.hostId());
            if (!skewed.contains(b.hostId())) {
                assertThat(b.bytes()).isEqualTo(a.bytes());
                continue;
            }
            assertThat(a.timestampMs() - b.timestampMs()).isEqualTo(ONE_HOUR + TEN_MINUTES);
            assertThat(text(b).replace(iso(b.timestampMs()), iso(a.timestampMs())))
                    .isEqualTo(text(a));
        }
        // Lines leave in fleet time: a skewed host's timestamp minus its skew fits in.
        long previous = Long.MIN_VALUE;
        for (Line line : behind.lines()) {
            long fleet = line.timestampMs() + (skewed.contains(line.hostId()) ? TEN_MINUTES : 0);
            assertThat(fleet).isGreaterThanOrEqualTo(previous);
            previous = fleet;
        }
        assertPlantedOnEveryFaultyHost(behind);

        // Per host, nothing is late and every planted attack alerts. With one global time, a
        // host behind loses all its attacks, and a host ahead costs everyone else theirs.
        for (Corpus corpus : List.of(behind, ahead)) {
            Result perHost = detect(corpus, 0, Lateness.PER_HOST);
            assertThat(perHost.late()).isZero();
            assertThat(perHost.alerts())
                    .containsExactlyInAnyOrderElementsOf(corpus.attacks().keySet());
        }
        assertThat(detect(behind, B, Lateness.GLOBAL).alerts())
                .containsExactlyInAnyOrderElementsOf(attacksOn(behind, skewed, false));
        assertThat(detect(ahead, B, Lateness.GLOBAL).alerts())
                .containsExactlyInAnyOrderElementsOf(attacksOn(ahead, skewed, true));
    }

    @Test
    void delayedHostsFlushWhatTheyHeldInBurstsWithTheirTimestampsRight() {
        long delay = 60_000;
        FleetConfig base = FleetConfig.of(20_000, 30, 32).withAttacks(8).withEventsPerSecond(50);
        Corpus delayed = generate(base.withDelayedHosts(2, delay));
        long start = base.start().toEpochMilli();
        Set<String> held = delayed.hostIds(HostClock.Fault.DELAYED);
        assertThat(held).hasSize(2);

        // Offline for the first minute, online for the next, and so on: a held line leaves when
        // its offline minute ends, the rest at once. The output is in order of leaving.
        long previous = Long.MIN_VALUE;
        long worstLag = 0;
        long newest = Long.MIN_VALUE;
        Map<String, Long> newestOfHost = new HashMap<>();
        for (Line line : delayed.lines()) {
            long t = line.timestampMs();
            long leaves = t;
            if (held.contains(line.hostId()) && (t - start) / delay % 2 == 0) {
                leaves = start + ((t - start) / delay + 1) * delay;
            }
            assertThat(leaves).as("line %d", line.index()).isGreaterThanOrEqualTo(previous);
            previous = leaves;
            worstLag = newest == Long.MIN_VALUE ? 0 : Math.max(worstLag, newest - t);
            newest = Math.max(newest, t);
            // Within a host, the agent keeps its order.
            assertThat(t).isGreaterThanOrEqualTo(newestOfHost.getOrDefault(line.hostId(), t));
            newestOfHost.put(line.hostId(), t);
        }
        assertThat(worstLag).isGreaterThan(delay / 2).isLessThanOrEqualTo(delay);
        // The delay moves lines, it never changes one.
        Corpus prompt = generate(base.withDelayedHosts(2, 1));
        assertThat(sortedTexts(delayed)).isEqualTo(sortedTexts(prompt));
        assertPlantedOnEveryFaultyHost(delayed);

        Result perHost = detect(delayed, 0, Lateness.PER_HOST);
        assertThat(perHost.late()).isZero();
        assertThat(perHost.alerts())
                .containsExactlyInAnyOrderElementsOf(delayed.attacks().keySet());
        // With one global time, only attacks on a delayed host can be lost, only those it held,
        // and some are.
        Set<AlertPair> global = new HashSet<>(detect(delayed, B, Lateness.GLOBAL).alerts());
        Map<String, Line> byId = delayed.byEventId();
        Set<AlertPair> lost = new HashSet<>(delayed.attacks().keySet());
        lost.removeAll(global);
        assertThat(lost).isNotEmpty();
        for (AlertPair pair : lost) {
            Line exec = byId.get(pair.execEventId());
            Line network = byId.get(pair.networkEventId());
            assertThat(held).contains(exec.hostId());
            assertThat(List.of(exec, network))
                    .anyMatch(l -> (l.timestampMs() - start) / delay % 2 == 0);
        }
    }

    @Test
    void aSteppingHostIsLateForItselfOnlyUntilItsClockCatchesUp() {
        // 2000 s of fleet time; the clock of one host steps back 10 min at 1000 s.
        FleetConfig config =
                FleetConfig.of(20_000, 30, 33)
                        .withAttacks(15)
                        .withEventsPerSecond(10)
                        .withSteppingHosts(1, -TEN_MINUTES);
        Corpus corpus = generate(config);
        long stepAt = config.start().toEpochMilli() + 1_000_000;
        assertThat(corpus.report().hostClocks())
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.fault()).isEqualTo(HostClock.Fault.STEPPING);
                            assertThat(c.amountMs()).isEqualTo(-TEN_MINUTES);
                            assertThat(c.fromMs()).isEqualTo(stepAt);
                        });
        String host = corpus.report().hostClocks().get(0).hostId();

        // Lines leave in fleet time. The host's lines read fleet time before the step and fleet
        // time - 10 min after it, so each one tells which side it is on.
        Set<Integer> afterStep = new HashSet<>();
        long previousFleet = Long.MIN_VALUE;
        long oldMax = Long.MIN_VALUE;
        for (Line line : corpus.lines()) {
            long fleet = line.timestampMs();
            if (line.hostId().equals(host)) {
                if (previousFleet != Long.MIN_VALUE
                        && line.timestampMs() < previousFleet - TEN_MINUTES / 2) {
                    fleet = line.timestampMs() + TEN_MINUTES;
                    afterStep.add(line.index());
                    assertThat(fleet).isGreaterThanOrEqualTo(stepAt);
                } else {
                    assertThat(fleet).isLessThan(stepAt);
                    oldMax = Math.max(oldMax, line.timestampMs());
                }
            }
            assertThat(fleet).isGreaterThanOrEqualTo(previousFleet);
            previousFleet = fleet;
        }
        assertThat(afterStep).isNotEmpty();

        // By the contract, the host's lines after the step are late while they read at most its
        // newest time before the step - B - 1. Once one is on time, the rest are (no disorder).
        Set<Integer> expectedLate = new HashSet<>();
        for (Line line : corpus.lines()) {
            if (afterStep.contains(line.index()) && line.timestampMs() <= oldMax - B - 1) {
                expectedLate.add(line.index());
            }
        }
        // A planted sequence never straddles the step, so an attack is lost exactly when its exec
        // is late.
        Map<String, Line> byId = corpus.byEventId();
        Set<AlertPair> expected = new HashSet<>();
        int lostToTheStep = 0;
        int foundAfterTheStep = 0;
        for (AlertPair pair : corpus.attacks().keySet()) {
            Line exec = byId.get(pair.execEventId());
            Line network = byId.get(pair.networkEventId());
            assertThat(afterStep.contains(exec.index()))
                    .isEqualTo(afterStep.contains(network.index()));
            if (expectedLate.contains(exec.index())) {
                lostToTheStep++;
            } else {
                expected.add(pair);
                foundAfterTheStep += afterStep.contains(exec.index()) ? 1 : 0;
            }
        }
        assertThat(lostToTheStep).isPositive();
        assertThat(foundAfterTheStep).isPositive();
        assertPlantedOnEveryFaultyHost(corpus);

        Result perHost = detect(corpus, B, Lateness.PER_HOST);
        assertThat(perHost.lateLines().stream().map(LateLine::arrival).collect(Collectors.toSet()))
                .isEqualTo(expectedLate);
        assertThat(perHost.lateByHost())
                .containsExactly(Map.entry(host, (long) expectedLate.size()));
        final long newestBeforeTheStep = oldMax;
        assertThat(perHost.lateLines())
                .allSatisfy(l -> assertThat(l.maxTimestampMs()).isEqualTo(newestBeforeTheStep));
        assertThat(perHost.alerts()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {32, 33, 35})
    void aPlantedSequenceNeverStraddlesTheStep(long seed) {
        // 60 planted sequences of several seconds each in 30 s of fleet time: several of them span
        // the step at 15 s (on these seeds an attack's exec and connection would be on either side
        // of it). Each must keep its spacing on the host's clock, so a step forward, which makes
        // nothing late, loses no attack.
        FleetConfig config =
                FleetConfig.of(3_000, 12, seed)
                        .withAttacks(15)
                        .withEventsPerSecond(100)
                        .withSteppingHosts(1, TEN_MINUTES);
        Corpus corpus = generate(config);
        String host = corpus.report().hostClocks().get(0).hostId();
        Map<String, Line> byId = corpus.byEventId();
        long stepped = 0;
        for (PlantedAttack attack : corpus.report().attacks()) {
            Line exec = byId.get(attack.execEventId());
            Line network = byId.get(attack.networkEventId());
            assertThat(network.timestampMs() - exec.timestampMs()).isEqualTo(attack.gapMs());
            stepped += exec.hostId().equals(host) ? 1 : 0;
        }
        assertThat(stepped).isGreaterThanOrEqualTo(8);
        Result perHost = detect(corpus, 0, Lateness.PER_HOST);
        assertThat(perHost.late()).isZero();
        assertThat(perHost.alerts()).containsExactlyInAnyOrderElementsOf(corpus.attacks().keySet());
    }

    @Test
    void everyFaultAtOnceWithChaosLosesNothingPerHost() {
        long disorder = 2_000;
        FleetConfig config =
                FleetConfig.of(20_000, 30, 34)
                        .withAttacks(10)
                        .withEventsPerSecond(100)
                        .withDisorderMs(disorder)
                        .withDuplicateRate(0.02)
                        .withMalformedRate(0.01)
                        .withSkewedHosts(2, -TEN_MINUTES)
                        .withDelayedHosts(1, 90_000)
                        .withSteppingHosts(1, ONE_HOUR);
        Corpus corpus = generate(config);
        assertThat(corpus.report().hostClocks()).hasSize(4);
        assertThat(corpus.report().hostClocks().stream().map(HostClock::hostId).distinct())
                .hasSize(4);
        assertPlantedOnEveryFaultyHost(corpus);

        // Within each host, no line trails by more than the disorder: exactly "nothing late per
        // host with B = disorder"; and the disorder is there, so a smaller bound finds late lines.
        Result perHost = detect(corpus, disorder, Lateness.PER_HOST);
        assertThat(perHost.late()).isZero();
        assertThat(perHost.malformed()).isEqualTo(corpus.report().malformedTotal()).isPositive();
        assertThat(perHost.alerts())
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(corpus.attacks().keySet());
        assertThat(detect(corpus, disorder / 4, Lateness.PER_HOST).late()).isPositive();
        assertThat(detect(corpus, disorder, Lateness.GLOBAL).alerts())
                .hasSizeLessThan(corpus.report().attacks().size());
    }

    @Test
    void faultsNeedEnoughLinuxHostsAndSayWhichAreFaulty() {
        FleetConfig tooMany = FleetConfig.of(5_000, 10, 35).withAttacks(2).withSkewedHosts(10, 1);
        assertThatThrownBy(() -> new FleetGenerator(tooMany).checkClockFaultsFit())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Linux hosts of 10");
        assertThatThrownBy(() -> FleetConfig.of(5_000, 3, 1).withSkewedHosts(4, 1))
                .hasMessageContaining("need at least as many hosts");
        assertThatThrownBy(() -> FleetConfig.of(5_000, 10, 1).withDelayedHosts(1, -5))
                .hasMessageContaining("delay must be > 0 ms");

        FleetConfig config =
                FleetConfig.of(5_000, 10, 35)
                        .withAttacks(2)
                        .withSkewedHosts(1, -TEN_MINUTES)
                        .withSteppingHosts(1, 90_000);
        FleetReport report = generate(config).report();
        HostClock skewed = report.hostClocks().get(0);
        HostClock stepping = report.hostClocks().get(1);
        assertThat(report.summary())
                .endsWith(
                        ", clock faults: "
                                + skewed.hostName()
                                + " skewed -600000 ms, "
                                + stepping.hostName()
                                + " steps +90000 ms at "
                                + Instant.ofEpochMilli(config.stepAtMs()));
        assertThat(report.attacks().stream().map(PlantedAttack::hostName))
                .containsExactly(skewed.hostName(), stepping.hostName());
    }

    /** The first attacks and near misses go to the faulty hosts, one each at least. */
    private static void assertPlantedOnEveryFaultyHost(Corpus corpus) {
        Set<String> faulty =
                corpus.report().hostClocks().stream()
                        .map(HostClock::hostName)
                        .collect(Collectors.toSet());
        assertThat(corpus.report().attacks().stream().map(PlantedAttack::hostName).toList())
                .containsAll(faulty);
        assertThat(corpus.report().nearMisses().stream().map(PlantedNearMiss::hostName).toList())
                .containsAll(faulty);
    }

    private static Set<AlertPair> attacksOn(Corpus corpus, Set<String> hosts, boolean on) {
        return corpus.attacks().entrySet().stream()
                .filter(e -> hosts.contains(e.getValue()) == on)
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    private static Result detect(Corpus corpus, long bound, Lateness lateness) {
        return ReferenceDetector.detect(corpus.bytes(), bound, Exclusions.defaults(), lateness);
    }

    private static List<String> sortedTexts(Corpus corpus) {
        return corpus.lines().stream().map(FleetGeneratorClockFaultsTest::text).sorted().toList();
    }

    static Corpus generate(FleetConfig config) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            FleetReport report = new FleetGenerator(config).writeTo(out);
            List<byte[]> raw = NdjsonLines.split(out.toByteArray());
            List<Line> lines = new ArrayList<>(raw.size());
            for (byte[] bytes : raw) {
                lines.add(
                        config.malformedRate() > 0
                                ? readIfWellFormed(lines.size(), bytes)
                                : read(lines.size(), bytes));
            }
            return new Corpus(lines, report);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A malformed line reads as one without host, time or id. */
    private static Line readIfWellFormed(int index, byte[] bytes) {
        try {
            return read(index, bytes);
        } catch (IOException | RuntimeException | AssertionError e) {
            return new Line(index, null, Long.MIN_VALUE, null, bytes);
        }
    }

    /** Host id and event id, nested or dotted. */
    private static Line read(int index, byte[] bytes) throws IOException {
        JsonNode e = JSON.readTree(bytes);
        String hostId =
                e.has("host.id")
                        ? e.get("host.id").textValue()
                        : e.path("host").path("id").textValue();
        long t = Instant.parse(e.get("@timestamp").textValue()).toEpochMilli();
        assertThat(e.path("event").path("created").textValue())
                .isEqualTo(e.get("@timestamp").textValue());
        return new Line(index, hostId, t, e.path("event").path("id").textValue(), bytes);
    }

    private static String sha256(FleetConfig config) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (OutputStream out =
                    new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
                new FleetGenerator(config).writeTo(out);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String summary(FleetConfig config) {
        try {
            return new FleetGenerator(config).writeTo(OutputStream.nullOutputStream()).summary();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As the generator writes it: always three digits of milliseconds. */
    private static String iso(long epochMs) {
        return ISO_MILLIS.format(Instant.ofEpochMilli(epochMs));
    }

    private static String text(Line line) {
        return new String(line.bytes(), StandardCharsets.ISO_8859_1);
    }
}
