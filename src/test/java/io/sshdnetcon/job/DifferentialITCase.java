package io.sshdnetcon.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.sshdnetcon.fleet.FleetConfig;
import io.sshdnetcon.fleet.FleetGenerator;
import io.sshdnetcon.fleet.FleetReport;
import io.sshdnetcon.testing.MiniClusters;
import io.sshdnetcon.testing.NdjsonLines;
import io.sshdnetcon.testing.ReferenceDetector;
import io.sshdnetcon.testing.ReplayRun;
import io.sshdnetcon.testing.SpecEvents;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
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
                ReferenceDetector.detect(lines, 5000, ReferenceDetector.Exclusions.defaults());
        ReplayRun.Result actual = ReplayRun.in(dir).parallelism(2).bytes(lines);

        assertThat(expected.alerts()).hasSize(report.attacks().size());
        assertSamePairs(actual, expected);
        assertThat(actual.summary().malformed()).isEqualTo(expected.malformed());
        assertThat(actual.summary().read()).isEqualTo(lines.size());
        assertThat(actual.summary().late()).isZero();
    }

    /**
     * Dense, adversarial sequences: three hosts sharing four entity ids, spans around 1000 ms,
     * same-millisecond ties, repeated execs, excluded and allowlisted connections, case variants,
     * dotted keys, duplicates, malformed lines, and disorder beyond the bound so some events are
     * late.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13, 14, 15, 16})
    void adversarialSequences(long seed) throws Exception {
        long bound = 400;
        List<byte[]> lines = new SequenceFuzzer(seed).lines(6000, 700);

        ReferenceDetector.Result expected =
                ReferenceDetector.detect(lines, bound, ReferenceDetector.Exclusions.defaults());
        ReplayRun.Result actual =
                ReplayRun.in(dir).maxOutOfOrdernessMillis(bound).parallelism(2).bytes(lines);

        assertThat(expected.alerts()).as("the fuzzer should produce alerts").hasSizeGreaterThan(20);
        assertThat(expected.late()).as("the fuzzer should produce late events").isPositive();
        assertSamePairs(actual, expected);
        assertThat(actual.summary().malformed()).isEqualTo(expected.malformed());
    }

    private static void assertSamePairs(
            ReplayRun.Result actual, ReferenceDetector.Result expected) {
        List<ReplayRun.AlertPair> expectedPairs =
                expected.alerts().stream()
                        .map(a -> ReplayRun.AlertPair.of(a.execEventId(), a.networkEventId()))
                        .toList();
        assertThat(actual.pairs()).containsExactlyInAnyOrderElementsOf(expectedPairs);
        assertThat(actual.alertIds()).doesNotHaveDuplicates();
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
        private int ids;

        SequenceFuzzer(long seed) {
            this.random = new SplittableRandom(seed);
        }

        /** {@code count} events over about 1 s each, delivered up to {@code maxDisorderMs} late. */
        List<byte[]> lines(int count, long maxDisorderMs) {
            record Timed(long deliverAt, int order, byte[] line) {}
            List<Timed> timed = new ArrayList<>();
            long t = 0;
            for (int i = 0; i < count; i++) {
                t += pick(new long[] {0, 0, 0, 1, 5, 30, 100, 300, 999, 1000, 1001});
                long deliver =
                        t + (random.nextInt(10) == 0 ? random.nextLong(maxDisorderMs + 1) : 0);
                byte[] line = event(t).getBytes(StandardCharsets.UTF_8);
                timed.add(new Timed(deliver, i, line));
                if (random.nextInt(25) == 0) {
                    timed.add(new Timed(deliver + random.nextLong(50), i, line));
                }
                if (random.nextInt(50) == 0) {
                    timed.add(new Timed(deliver, i, malformed().getBytes(StandardCharsets.UTF_8)));
                }
            }
            timed.sort(Comparator.comparingLong(Timed::deliverAt).thenComparingInt(Timed::order));
            return timed.stream().map(Timed::line).toList();
        }

        private String event(long t) {
            String host = pick(HOSTS);
            String id = "f" + (ids++);
            SpecEvents.Builder b;
            if (random.nextInt(3) == 0) {
                b = SpecEvents.exec(id).host(host).entity(pick(ENTITIES)).at(t);
                if (random.nextInt(12) == 0) {
                    b.set(
                            "process.parent.executable",
                            pick(new String[] {"/usr/bin/sshd", "/USR/SBIN/SSHD"}));
                }
            } else {
                b =
                        SpecEvents.connect(id)
                                .host(host)
                                .parentEntity(pick(ENTITIES))
                                .at(t)
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
                    b.remove("destination.ip");
                }
                if (random.nextInt(40) == 0) {
                    b.set("event.action", "connection_accepted");
                }
            }
            if (random.nextInt(20) == 0) {
                b.set("host.os.type", "Linux");
            }
            if (random.nextInt(25) == 0) {
                b.remove("host.id");
            }
            String json = b.json();
            if (random.nextInt(10) == 0) {
                // The same join value written as a dotted key instead of nested.
                json = json.replace("\"parent\":{\"entity_id\":", "\"parent\":{\"entity_id.x\":");
                json = json.replaceFirst("\\}$", "");
                json += ",\"process.parent.entity_id\":\"" + pick(ENTITIES) + "\"}";
            }
            return json;
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
