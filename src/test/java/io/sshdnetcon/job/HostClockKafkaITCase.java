package io.sshdnetcon.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sshdnetcon.kafka.DeadLetterHeaders;
import io.sshdnetcon.rule.ExclusionSetJson;
import io.sshdnetcon.testing.LocalElasticsearch;
import io.sshdnetcon.testing.MiniClusters;
import io.sshdnetcon.testing.RealKafka;
import io.sshdnetcon.testing.ReferenceDetector;
import io.sshdnetcon.testing.ReferenceDetector.Lateness;
import io.sshdnetcon.testing.SpecEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Time is per host (issue 7) through real Kafka: the streaming job, live, on a 4-partition events
 * topic where a host an hour ahead shares partition 0 with a normal host, and the other partitions
 * fall idle for longer than {@code detector.idleness} in turns (one phase has only partition 0
 * active). Records are keyed by {@code host.id}, as the product's tools send them. The alerts in
 * Elasticsearch must be {@link ReferenceDetector} {@link Lateness#PER_HOST}'s on the same lines in
 * production order, per host, and must all arrive while the job runs, before it is drained.
 *
 * <p>With one event time for the whole input (before issue 7), the host ahead would hold its own
 * sequences back, and once partitions 1 to 3 went idle, partition 0's watermark (an hour ahead)
 * would make everything later on them late.
 *
 * <p>Idle flushes (processing time) release a silent host's pending events, and expire its execs,
 * early. The traffic is made so that they cannot change the reference's answer: each sequence of a
 * host (exec, connections, noise) is sent in one producer batch, so it reaches the job in one
 * fetch, and is complete in itself (fresh entity ids); the host's next sequence is 3 s later on its
 * own clock, beyond the 1 s maxspan. So whatever a flush releases early has nothing left to pair
 * with.
 */
class HostClockKafkaITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

    @RegisterExtension static final RealKafka KAFKA = new RealKafka();
    @RegisterExtension static final LocalElasticsearch ELASTICSEARCH = new LocalElasticsearch();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARTITIONS = 4;
    private static final long BOUND = 2_000;
    private static final long IDLENESS = 1_000;
    private static final long ONE_HOUR = 3_600_000;

    /** Between ticks of a phase: shorter than the idleness, so an active host never idles. */
    private static final long TICK_MS = 500;

    /** Ticks per phase: a host left out of a phase is silent longer than the idleness. */
    private static final int TICKS = 3;

    /** Spans of the sequences in turn: 1001 ms never alerts, the others do. */
    private static final long[] GAPS = {0, 1, 500, 999, 1000, 1001};

    @TempDir Path dir;

    @Test
    void aHostAnHourAheadSharingPartitionsWithNormalHostsWhileOthersIdle() throws Exception {
        String ahead = hostOn(0, "ahead-");
        String p0 = hostOn(0, "web-");
        String p1 = hostOn(1, "db-");
        String p2 = hostOn(2, "cache-");
        String p3 = hostOn(3, "batch-");
        // Which hosts send in each phase: partitions 1, 2 and 3 each idle for whole phases.
        List<List<String>> phases =
                List.of(
                        List.of(ahead, p0, p1, p3),
                        List.of(ahead, p0),
                        List.of(ahead, p0, p1, p2),
                        List.of(ahead, p0, p3),
                        List.of(ahead, p0, p1, p2, p3));

        try (DetectorJobs jobs = new DetectorJobs();
                StreamingRun run =
                        StreamingRun.create(KAFKA, ELASTICSEARCH, "host-clock", PARTITIONS);
                Traffic traffic = new Traffic(run.eventsTopic(), Map.of(ahead, ONE_HOUR))) {
            JobClient job =
                    run.watch(
                            jobs.start(
                                    DetectorJobs.Start.fresh(2),
                                    run.settings(
                                            "earliest",
                                            run.exclusionsTopic(),
                                            Map.of(
                                                    "detector.max-out-of-orderness",
                                                    BOUND + " ms",
                                                    "detector.idleness",
                                                    IDLENESS + " ms")),
                                    ExclusionSetJson.defaults()));
            // The job is live (consuming and writing alerts) before the phases start.
            traffic.sequence(p1);
            traffic.flush();
            run.awaitAlert(traffic.alerting().get(0).networkEventId());

            for (int phase = 0; phase < phases.size(); phase++) {
                for (int tick = 0; tick < TICKS; tick++) {
                    for (String host : phases.get(phase)) {
                        traffic.sequence(host);
                    }
                    if (phase == 3 && tick == 1) {
                        traffic.lateExec(ahead);
                    }
                    traffic.flush();
                    Thread.sleep(TICK_MS);
                }
            }

            ReferenceDetector.Result expected =
                    ReferenceDetector.detect(
                            traffic.produced(),
                            BOUND,
                            ReferenceDetector.Exclusions.defaults(),
                            Lateness.PER_HOST);
            Map<String, Set<Pair>> expectedByHost = byHost(pairs(expected), traffic);
            assertThat(new HashSet<>(pairs(expected)))
                    .as("the reference alerts on every sequence within 1000 ms, on every host")
                    .isEqualTo(new HashSet<>(traffic.alerting()));
            assertThat(expectedByHost).containsOnlyKeys(ahead, p0, p1, p2, p3);
            assertThat(expected.lateLines())
                    .singleElement()
                    .satisfies(l -> assertThat(l.eventId()).isEqualTo(traffic.lateExecId()));
            assertThat(
                            ReferenceDetector.detect(
                                            traffic.produced(),
                                            BOUND,
                                            ReferenceDetector.Exclusions.defaults())
                                    .alerts())
                    .as("with one time for the whole input")
                    .hasSizeLessThan(expected.alerts().size() / 2);

            // Live: every alert arrives while the job runs, none held back by an idle partition
            // or another host's clock.
            try {
                StreamingRun.await(
                        "the reference's alerts in Elasticsearch",
                        () -> byHost(storedPairs(run), traffic).equals(expectedByHost));
            } catch (AssertionError e) {
                Set<Pair> stored = new HashSet<>(storedPairs(run));
                Set<Pair> missing = new HashSet<>(pairs(expected));
                missing.removeAll(stored);
                stored.removeAll(pairs(expected));
                throw new AssertionError(
                        e.getMessage() + "; missing " + missing + "; unexpected " + stored, e);
            }
            DetectorJobs.drain(job, dir);

            assertThat(byHost(storedPairs(run), traffic)).isEqualTo(expectedByHost);
            assertThat(run.alerts()).hasSize(expected.alerts().size());
            List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.readAll(run.deadLetterTopic());
            assertThat(dead).singleElement();
            ConsumerRecord<byte[], byte[]> late = dead.get(0);
            assertThat(RealKafka.header(late, DeadLetterHeaders.REASON)).contains("late_event");
            assertThat(late.value()).isEqualTo(traffic.lateExecBytes());
            assertThat(RealKafka.header(late, DeadLetterHeaders.EXCEPTION_MESSAGE))
                    .hasValueSatisfying(
                            m ->
                                    assertThat(m)
                                            .endsWith(
                                                    " ms behind host "
                                                            + ahead
                                                            + "'s newest event time "
                                                            + Instant.ofEpochMilli(
                                                                    traffic.lateExecNewest())));
        }
    }

    /** The first host name {@code prefix + i} that Kafka's default partitioner puts there. */
    private static String hostOn(int partition, String prefix) {
        for (int i = 0; ; i++) {
            String host = prefix + i;
            if (partitionOf(host) == partition) {
                return host;
            }
        }
    }

    /** Kafka's built-in partitioner for a keyed record. */
    private static int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    /** One alert, by its exec and network {@code event.id}. */
    record Pair(String execEventId, String networkEventId) {}

    private static List<Pair> pairs(ReferenceDetector.Result result) {
        return result.alerts().stream()
                .map(a -> new Pair(a.execEventId(), a.networkEventId()))
                .toList();
    }

    private static List<Pair> storedPairs(StreamingRun run) {
        List<Pair> out = new ArrayList<>();
        for (JsonNode alert : run.alerts()) {
            out.add(
                    new Pair(
                            alert.at("/detection/exec_event_id").asText(),
                            alert.at("/detection/network_event_id").asText()));
        }
        return out;
    }

    private static Map<String, Set<Pair>> byHost(List<Pair> pairs, Traffic traffic) {
        Map<String, Set<Pair>> out = new TreeMap<>();
        for (Pair p : pairs) {
            out.computeIfAbsent(traffic.hostOf(p.networkEventId()), h -> new HashSet<>()).add(p);
        }
        return out;
    }

    /**
     * Writes each host's sequences, on its own clock, keyed by host.id; remembers every line in
     * production order.
     */
    private static final class Traffic implements AutoCloseable {
        private final String topic;
        private final Map<String, Long> offsets;
        private final KafkaProducer<byte[], byte[]> producer;
        private final List<byte[]> produced = new ArrayList<>();
        private final List<Future<RecordMetadata>> unacknowledged = new ArrayList<>();
        private final List<String> unacknowledgedHosts = new ArrayList<>();
        private final Map<String, Long> next = new HashMap<>();
        private final Map<String, Long> newest = new HashMap<>();
        private final Map<String, String> hostOfEvent = new HashMap<>();
        private final List<Pair> alerting = new ArrayList<>();
        private int sequences;
        private byte[] lateExec;
        private String lateExecId;
        private long lateExecNewest;

        Traffic(String topic, Map<String, Long> clockOffsets) {
            this.topic = topic;
            this.offsets = clockOffsets;
            // One batch per partition per flush: a sequence sent together is fetched together.
            this.producer =
                    KAFKA.producer(
                            Map.of(
                                    ProducerConfig.LINGER_MS_CONFIG,
                                    60_000,
                                    ProducerConfig.BATCH_SIZE_CONFIG,
                                    1 << 20));
        }

        /**
         * An exec by sshd, noise, the child's connection after the next gap of {@link #GAPS}, and a
         * second connection (which never alerts: the first consumed the exec). With a gap of 0 the
         * connection's line goes first.
         */
        void sequence(String host) {
            int k = sequences++;
            long t = next.getOrDefault(host, offsets.getOrDefault(host, 0L));
            next.put(host, t + 3_000);
            long gap = GAPS[k % GAPS.length];
            String id = host + "-s" + k;
            String entity = id + "-X";
            String exec = id + "-E";
            String connect = id + "-N";
            if (gap == 0) {
                send(host, t + gap, SpecEvents.connect(connect).parentEntity(entity));
                send(host, t, SpecEvents.exec(exec).entity(entity));
            } else {
                send(host, t, SpecEvents.exec(exec).entity(entity));
                send(host, t + gap, SpecEvents.connect(connect).parentEntity(entity));
            }
            send(
                    host,
                    t + 50,
                    SpecEvents.exec(id + "-noise")
                            .entity(id + "-noise")
                            .set("process.parent.executable", "/usr/bin/bash"));
            send(
                    host,
                    t + gap + 10,
                    SpecEvents.connect(id + "-N2").parentEntity(entity).destination("1.1.1.1"));
            if (gap <= 1000) {
                alerting.add(new Pair(exec, connect));
            }
        }

        /**
         * An exec 1 ms more than the bound behind its host's newest time (late), and a connection
         * of its child on time, which then has nothing to pair with.
         */
        void lateExec(String host) {
            lateExecNewest = SpecEvents.BEGINNING.toEpochMilli() + newest.get(host);
            long t = newest.get(host) - BOUND - 1;
            lateExecId = host + "-late-E";
            lateExec = send(host, t, SpecEvents.exec(lateExecId).entity(host + "-late-X"));
            send(
                    host,
                    t + BOUND + 100,
                    SpecEvents.connect(host + "-late-N").parentEntity(host + "-late-X"));
        }

        /** Sends {@code event} from {@code host} at {@code t} of its clock; returns its line. */
        private byte[] send(String host, long t, SpecEvents.Builder event) {
            byte[] bytes = event.host(host).at(t).bytes();
            hostOfEvent.put(readEventId(bytes), host);
            newest.merge(host, t, Math::max);
            produced.add(bytes);
            unacknowledged.add(
                    producer.send(
                            new ProducerRecord<>(
                                    topic, host.getBytes(StandardCharsets.UTF_8), bytes)));
            unacknowledgedHosts.add(host);
            return bytes;
        }

        private static String readEventId(byte[] line) {
            try {
                return JSON.readTree(line).at("/event/id").asText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Sends what is batched, and checks that each host went to its partition. */
        void flush() throws Exception {
            producer.flush();
            for (int i = 0; i < unacknowledged.size(); i++) {
                assertThat(unacknowledged.get(i).get(30, TimeUnit.SECONDS).partition())
                        .as(unacknowledgedHosts.get(i))
                        .isEqualTo(partitionOf(unacknowledgedHosts.get(i)));
            }
            unacknowledged.clear();
            unacknowledgedHosts.clear();
        }

        List<byte[]> produced() {
            return produced;
        }

        List<Pair> alerting() {
            return alerting;
        }

        String hostOf(String eventId) {
            return hostOfEvent.get(eventId);
        }

        String lateExecId() {
            return lateExecId;
        }

        byte[] lateExecBytes() {
            return lateExec;
        }

        long lateExecNewest() {
            return lateExecNewest;
        }

        @Override
        public void close() {
            producer.close();
        }
    }
}
