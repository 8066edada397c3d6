package io.sshdnetcon.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sshdnetcon.fleet.FleetConfig;
import io.sshdnetcon.fleet.FleetGenerator;
import io.sshdnetcon.fleet.FleetReport;
import io.sshdnetcon.parse.Validation;
import io.sshdnetcon.testing.MiniClusters;
import io.sshdnetcon.testing.NdjsonLines;
import io.sshdnetcon.testing.ReferenceDetector;
import io.sshdnetcon.testing.ReplayRun;
import io.sshdnetcon.testing.SpecEvents;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The job against {@link ReferenceDetector}, a literal batch implementation of the detection
 * contract that shares no code with it. Both must produce exactly the same (exec, network) pairs.
 */
class DifferentialITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

    @TempDir Path dir;

    /**
     * Realistic fleet traffic with planted attacks, near misses, disorder within the bound,
     * duplicates and malformed lines.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void generatedFleetTraffic(long seed) throws Exception {
        FleetConfig config =
                FleetConfig.of(40_000, 40, seed)
                        .withAttacks(15)
                        .withDisorderMs(3000)
                        .withDuplicateRate(0.02)
                        .withMalformedRate(0.01);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FleetReport report = new FleetGenerator(config).writeTo(out);
        List<byte[]> lines = NdjsonLines.split(out.toByteArray());

        ReferenceDetector.Result expected =
                ReferenceDetector.detect(
                        lines,
                        5000,
                        ReferenceDetector.Exclusions.defaults(),
                        ReferenceDetector.Lateness.PER_HOST);
        ReplayRun.Result actual = ReplayRun.in(dir).parallelism(2).bytes(lines);

        assertThat(expected.alerts()).hasSize(report.attacks().size());
        assertSamePairs(actual, expected);
        assertThat(actual.summary().malformed()).isEqualTo(expected.malformed());
        assertThat(actual.summary().read()).isEqualTo(lines.size());
        assertThat(actual.summary().late()).isZero();

        ReplayRun.Result fast =
                ReplayRun.in(dir).parallelism(2).validate(Validation.CANDIDATES).bytes(lines);
        assertSamePairs(fast, expected);
        assertThat(fast.summary().late()).isZero();
        assertThat(fast.summary().skipped()).isGreaterThan(lines.size() / 2);
    }

    /**
     * Dense, adversarial sequences: three hosts sharing four entity ids, spans around 1000 ms,
     * same-millisecond ties, repeated execs, excluded and allowlisted connections, case variants,
     * dotted keys, duplicates, malformed lines, and disorder beyond the bound so some events are
     * late. Some seeds again validating only what the byte prefilter lets through: the same alerts
     * and late events, and malformed candidates still dead-lettered. (Nearly every fuzz line names
     * sshd or a connection, so few are skipped here; the fleet case above skips most of its
     * traffic.)
     */
    @ParameterizedTest(name = "seed {0}, validate {1}")
    @MethodSource("adversarialRuns")
    void adversarialSequences(long seed, Validation validation) throws Exception {
        long bound = 400;
        List<FuzzLine> fuzz = new SequenceFuzzer(seed).lines(6000, 700);
        List<byte[]> lines = FuzzLine.bytes(fuzz);

        ReferenceDetector.Result expected =
                ReferenceDetector.detect(
                        lines,
                        bound,
                        ReferenceDetector.Exclusions.defaults(),
                        ReferenceDetector.Lateness.PER_HOST);
        ReplayRun.Result actual =
                ReplayRun.in(dir)
                        .maxOutOfOrdernessMillis(bound)
                        .parallelism(2)
                        .validate(validation)
                        .bytes(lines);

        assertThat(expected.alerts()).as("the fuzzer should produce alerts").hasSizeGreaterThan(20);
        assertThat(expected.late()).as("the fuzzer should produce late events").isPositive();
        assertSamePairs(actual, expected);
        assertSameLateEvents(actual, expected, fuzz);
        if (validation == Validation.ALL) {
            assertThat(actual.summary().malformed()).isEqualTo(expected.malformed());
        } else {
            assertThat(actual.summary().skipped()).isPositive();
            assertThat(actual.summary().malformed())
                    .isPositive()
                    .isLessThanOrEqualTo(expected.malformed());
        }
    }

    static Stream<Arguments> adversarialRuns() {
        return Stream.concat(
                LongStream.rangeClosed(11, 16).mapToObj(seed -> Arguments.of(seed, Validation.ALL)),
                LongStream.of(11, 14).mapToObj(seed -> Arguments.of(seed, Validation.CANDIDATES)));
    }

    /**
     * The same sequences with the hosts' clocks and agents at fault: h2 an hour ahead, h3 ten
     * minutes behind and offline, flushing what it buffered every five minutes (the fuzz spans
     * about half an hour). Each host's own lines keep their times relative to each other and their
     * order, so per host nothing changes: the reference gives the same alerts and the same late
     * events as without the faults, and the job must too. With one time for the whole input most of
     * h1's and h3's alerts would be lost.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 14, 16})
    void adversarialSequencesOnFaultyHostClocks(long seed) throws Exception {
        long bound = 400;
        List<FuzzLine> plain = new SequenceFuzzer(seed).lines(6000, 700);
        List<FuzzLine> fuzz =
                new SequenceFuzzer(seed)
                        .withHostClock("h2", 3_600_000)
                        .withHostClock("h3", -600_000)
                        .withAgentFlushingEvery("h3", 300_000)
                        .lines(6000, 700);
        List<byte[]> lines = FuzzLine.bytes(fuzz);

        ReferenceDetector.Result unfaulted =
                ReferenceDetector.detect(
                        FuzzLine.bytes(plain),
                        bound,
                        ReferenceDetector.Exclusions.defaults(),
                        ReferenceDetector.Lateness.PER_HOST);
        ReferenceDetector.Result expected =
                ReferenceDetector.detect(
                        lines,
                        bound,
                        ReferenceDetector.Exclusions.defaults(),
                        ReferenceDetector.Lateness.PER_HOST);
        assertThat(lines).isNotEqualTo(FuzzLine.bytes(plain));
        assertThat(expected.alerts())
                .containsExactlyInAnyOrderElementsOf(unfaulted.alerts())
                .hasSizeGreaterThan(20);
        assertThat(lateEventIds(expected)).isEqualTo(lateEventIds(unfaulted)).isNotEmpty();
        assertThat(
                        ReferenceDetector.detect(
                                        lines, bound, ReferenceDetector.Exclusions.defaults())
                                .alerts())
                .as("with one global time")
                .hasSizeLessThan(expected.alerts().size() / 2);

        ReplayRun.Result actual =
                ReplayRun.in(dir).maxOutOfOrdernessMillis(bound).parallelism(2).bytes(lines);

        assertSamePairs(actual, expected);
        assertSameLateEvents(actual, expected, fuzz);
        assertThat(actual.summary().malformed()).isEqualTo(expected.malformed());
    }

    private static List<String> lateEventIds(ReferenceDetector.Result result) {
        return result.lateLines().stream()
                .map(ReferenceDetector.LateLine::eventId)
                .sorted()
                .toList();
    }

    /**
     * The job dead-letters as late exactly the reference's late lines that are candidates of the
     * rule (the job judges lateness on candidates only), each with its host's newest time.
     */
    static void assertSameLateEvents(
            ReplayRun.Result actual, ReferenceDetector.Result expected, List<FuzzLine> fuzz) {
        Map<Long, Long> expectedLate = new TreeMap<>();
        for (ReferenceDetector.LateLine late : expected.lateLines()) {
            if (fuzz.get(late.arrival()).candidate()) {
                expectedLate.put((long) late.arrival(), late.maxTimestampMs());
            }
        }
        assertThat(lateEventsByLine(actual)).isEqualTo(expectedLate);
        assertThat(actual.summary().late()).isEqualTo(expectedLate.size());
    }

    /**
     * The job's late dead letters: the line's index in the input (0-based; the dead letter's offset
     * is the 1-based line number) and the host's newest time the letter names.
     */
    static Map<Long, Long> lateEventsByLine(ReplayRun.Result actual) {
        Map<Long, Long> late = new TreeMap<>();
        for (JsonNode letter : actual.lateEvents()) {
            assertThat(letter.get("reason").asText()).isEqualTo("late_event");
            String detail = letter.get("detail").asText();
            int at = detail.lastIndexOf(NEWEST);
            assertThat(at).as("names its host's newest time: %s", detail).isPositive();
            long newest = Instant.parse(detail.substring(at + NEWEST.length())).toEpochMilli();
            assertThat(late.put(letter.get("offset").asLong() - 1, newest)).isNull();
        }
        return late;
    }

    private static final String NEWEST = "'s newest event time ";

    private static void assertSamePairs(
            ReplayRun.Result actual, ReferenceDetector.Result expected) {
        List<ReplayRun.AlertPair> expectedPairs =
                expected.alerts().stream()
                        .map(a -> ReplayRun.AlertPair.of(a.execEventId(), a.networkEventId()))
                        .toList();
        assertThat(actual.pairs()).containsExactlyInAnyOrderElementsOf(expectedPairs);
        assertThat(actual.alertIds()).doesNotHaveDuplicates();
    }

    /**
     * One line of fuzz.
     *
     * @param candidate whether the job takes it as a candidate of the rule: it passes a stage
     *     filter and has a host, a join value and no unparsable destination (exclusions, a null
     *     destination's included, come later)
     */
    record FuzzLine(byte[] bytes, boolean candidate) {
        static List<byte[]> bytes(List<FuzzLine> lines) {
            return lines.stream().map(FuzzLine::bytes).toList();
        }
    }

    /** Random but reproducible sequences aimed at the contract's corners. */
    static final class SequenceFuzzer {
        private static final String[] HOSTS = {"h1", "h2", "h3"};
        private static final String[] ENTITIES = {"X1", "X2", "X3", "X4"};
        private static final String[] DESTINATIONS = {
            "8.8.8.8",
            "172.32.0.1",
            "172.31.255.255",
            "100.128.0.1",
            "100.127.255.255",
            "::ffff:10.0.0.1",
            "fe80::1%eth0",
            "2001:4860:4860::8888",
            "0.0.0.0",
            "0.0.0.1",
            "::",
            "::1",
            "192.0.0.9",
            "192.0.0.11",
            "224.0.0.1",
            "FF02::1",
            "::10.0.0.1"
        };
        private static final String[] NAMES = {
            "curl", "ssh", "SSH", "sshd-session", "login_duo", "python3"
        };

        private final SplittableRandom random;
        private final Map<String, Long> clockOffsets = new HashMap<>();
        private final Map<String, Long> flushPeriods = new HashMap<>();
        private int ids;

        SequenceFuzzer(long seed) {
            this.random = new SplittableRandom(seed);
        }

        /** {@code host}'s clock reads {@code offsetMs} off: its {@code @timestamp}s are moved. */
        SequenceFuzzer withHostClock(String host, long offsetMs) {
            clockOffsets.put(host, offsetMs);
            return this;
        }

        /**
         * {@code host}'s agent holds its lines and sends them at each multiple of {@code periodMs}
         * of delivery time, in the order it would have sent them.
         */
        SequenceFuzzer withAgentFlushingEvery(String host, long periodMs) {
            flushPeriods.put(host, periodMs);
            return this;
        }

        /**
         * {@code count} events over about 1 s each, delivered up to {@code maxDisorderMs} late. The
         * faults draw no randomness: the same seed gives the same events with and without them.
         */
        List<FuzzLine> lines(int count, long maxDisorderMs) {
            record Timed(long sentAt, long deliverAt, int order, FuzzLine line) {}
            List<Timed> timed = new ArrayList<>();
            long t = 0;
            for (int i = 0; i < count; i++) {
                t += pick(new long[] {0, 0, 0, 1, 5, 30, 100, 300, 999, 1000, 1001});
                long deliver =
                        t + (random.nextInt(10) == 0 ? random.nextLong(maxDisorderMs + 1) : 0);
                Event event = event(t);
                FuzzLine line =
                        new FuzzLine(
                                event.json().getBytes(StandardCharsets.UTF_8), event.candidate());
                timed.add(new Timed(sentAt(event.host(), deliver), deliver, i, line));
                if (random.nextInt(25) == 0) {
                    long again = deliver + random.nextLong(50);
                    timed.add(new Timed(sentAt(event.host(), again), again, i, line));
                }
                if (random.nextInt(50) == 0) {
                    FuzzLine bad =
                            new FuzzLine(malformed().getBytes(StandardCharsets.UTF_8), false);
                    timed.add(new Timed(deliver, deliver, i, bad));
                }
            }
            // Held lines keep their order among themselves: sent time first, then as before.
            timed.sort(
                    Comparator.comparingLong(Timed::sentAt)
                            .thenComparingLong(Timed::deliverAt)
                            .thenComparingInt(Timed::order));
            return timed.stream().map(Timed::line).toList();
        }

        private long sentAt(String host, long deliverAt) {
            Long period = host == null ? null : flushPeriods.get(host);
            return period == null ? deliverAt : (deliverAt / period + 1) * period;
        }

        /** One event; {@code host} is null when the event has no host.id. */
        private record Event(String host, String json, boolean candidate) {}

        private Event event(long t) {
            String host = pick(HOSTS);
            String id = "f" + (ids++);
            long at = t + clockOffsets.getOrDefault(host, 0L);
            SpecEvents.Builder b;
            boolean candidate = true;
            if (random.nextInt(3) == 0) {
                b = SpecEvents.exec(id).host(host).entity(pick(ENTITIES)).at(at);
                if (random.nextInt(12) == 0) {
                    b.set(
                            "process.parent.executable",
                            pick(new String[] {"/usr/bin/sshd", "/USR/SBIN/SSHD"}));
                    candidate = false;
                }
            } else {
                b =
                        SpecEvents.connect(id)
                                .host(host)
                                .parentEntity(pick(ENTITIES))
                                .at(at)
                                .destination(pick(DESTINATIONS))
                                .processName(pick(NAMES));
                if (random.nextInt(15) == 0) {
                    b.set("process.executable", "/usr/bin/yum");
                }
                if (random.nextInt(20) == 0) {
                    b.remove("process.name");
                }
                if (random.nextInt(30) == 0) {
                    b.array("destination.ip", "8.8.8.8", pick(DESTINATIONS));
                }
                if (random.nextInt(40) == 0) {
                    // Still a candidate: a null destination is one the exclusions remove.
                    b.remove("destination.ip");
                }
                if (random.nextInt(40) == 0) {
                    b.set("event.action", "connection_accepted");
                    candidate = false;
                }
            }
            if (random.nextInt(20) == 0) {
                b.set("host.os.type", "Linux");
                candidate = false;
            }
            if (random.nextInt(25) == 0) {
                b.remove("host.id");
                host = null;
                candidate = false;
            }
            String json = b.json();
            if (random.nextInt(10) == 0) {
                // The same join value written as a dotted key instead of nested.
                json = json.replace("\"parent\":{\"entity_id\":", "\"parent\":{\"entity_id.x\":");
                json = json.replaceFirst("\\}$", "");
                json += ",\"process.parent.entity_id\":\"" + pick(ENTITIES) + "\"}";
            }
            return new Event(host, json, candidate);
        }

        private String malformed() {
            return pick(
                    new String[] {
                        "not json",
                        "{\"@timestamp\":\"nope\"}",
                        "[]",
                        "",
                        "{\"a\":1,\"a\":2}",
                        "{\"@timestamp\":\"2026-01-05T10:00:00Z\",\"event\":{\"action\":7}}"
                    });
        }

        private <T> T pick(T[] values) {
            return values[random.nextInt(values.length)];
        }

        private long pick(long[] values) {
            return values[random.nextInt(values.length)];
        }
    }
}
