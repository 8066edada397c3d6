package io.sshdnetcon.job;

import static io.sshdnetcon.testing.SpecEvents.connect;
import static io.sshdnetcon.testing.SpecEvents.exec;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sshdnetcon.fleet.FleetConfig;
import io.sshdnetcon.fleet.FleetGenerator;
import io.sshdnetcon.kafka.DeadLetterHeaders;
import io.sshdnetcon.kafka.ExclusionTopic;
import io.sshdnetcon.kafka.HostIdKey;
import io.sshdnetcon.rule.ExclusionSet;
import io.sshdnetcon.rule.ExclusionSetJson;
import io.sshdnetcon.testing.ElasticsearchQueries;
import io.sshdnetcon.testing.LocalElasticsearch;
import io.sshdnetcon.testing.MiniClusters;
import io.sshdnetcon.testing.NdjsonLines;
import io.sshdnetcon.testing.RealKafka;
import io.sshdnetcon.testing.ReplayRun;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming job end to end on real servers: events into Kafka, the job on a MiniCluster, alerts
 * in Elasticsearch, dead letters in Kafka, exclusion sets published to the control topic.
 */
class StreamingJobITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(4);

    @RegisterExtension static final RealKafka KAFKA = new RealKafka();
    @RegisterExtension static final LocalElasticsearch ELASTICSEARCH = new LocalElasticsearch();

    @TempDir Path dir;

    /** One run's topics and data stream, all unique so tests never see each other's data. */
    private record Run(String events, String exclusions, String deadLetters, String namespace) {
        static Run create(String name) {
            String namespace = name + System.nanoTime();
            return new Run(
                    KAFKA.createTopic(name + "-events", 4, false),
                    KAFKA.createTopic(name + "-exclusions", 1, true),
                    KAFKA.createTopic(name + "-dead-letters", 1, false),
                    namespace);
        }

        String dataStream() {
            return "logs-sshdnetcon.alerts-" + namespace;
        }

        StreamingJob.Settings settings(Map<String, String> extra) {
            Map<String, String> conf = new HashMap<>();
            conf.put("kafka.bootstrap-servers", KAFKA.bootstrap());
            conf.put("kafka.events-topics", events);
            conf.put("kafka.exclusions-topic", exclusions);
            conf.put("kafka.dead-letter-topic", deadLetters);
            conf.put("kafka.group-id", "it-" + namespace);
            conf.put("kafka.starting-offsets", "earliest");
            conf.put("es.hosts", ELASTICSEARCH.url());
            conf.put("es.namespace", namespace);
            conf.put("es.template.replicas", "0");
            conf.putAll(extra);
            return StreamingJob.Settings.read(Configuration.fromMap(conf));
        }
    }

    private static StreamExecutionEnvironment environment() {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        PipelineSettings.apply(new Configuration()));
        env.setParallelism(2);
        return env;
    }

    private static void produce(String topic, byte[] line) {
        String host = HostIdKey.find(line, 0, line.length);
        KAFKA.send(topic, null, host == null ? null : host.getBytes(StandardCharsets.UTF_8), line);
    }

    @Test
    void aCorpusThroughKafkaGivesExactlyTheAlertsOfReplayMode() throws Exception {
        Run run = Run.create("corpus");
        ByteArrayOutputStream corpus = new ByteArrayOutputStream();
        new FleetGenerator(
                        FleetConfig.of(20_000, 40, 21)
                                .withAttacks(8)
                                .withDisorderMs(1000)
                                .withDuplicateRate(0.01)
                                .withMalformedRate(0.003))
                .writeTo(corpus);
        List<byte[]> lines = NdjsonLines.split(corpus.toByteArray());
        long sentFrom = System.currentTimeMillis();
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
            for (byte[] line : lines) {
                String host = HostIdKey.find(line, 0, line.length);
                producer.send(
                        new ProducerRecord<>(
                                run.events(),
                                host == null ? null : host.getBytes(StandardCharsets.UTF_8),
                                line));
            }
        }

        long sentUntil = System.currentTimeMillis();
        StreamExecutionEnvironment env = environment();
        StreamingJob.build(
                env,
                run.settings(Map.of("kafka.stop-at-latest", "true")),
                ExclusionSetJson.defaults());
        env.execute("corpus through kafka");

        ReplayRun.Result replay = ReplayRun.in(dir).bytes(lines);
        ElasticsearchQueries es = ELASTICSEARCH.queries();
        List<JsonNode> stored =
                es.search(run.dataStream(), "{\"match_all\":{}}").stream()
                        .map(hit -> hit.get("_source"))
                        .toList();

        assertThat(replay.alerts()).hasSize(8);
        assertThat(stored).hasSameSizeAs(replay.alerts());
        assertThat(es.count(run.dataStream())).isEqualTo(replay.alerts().size());
        assertThat(stored.stream().map(StreamingJobITCase::pair).toList())
                .containsExactlyInAnyOrderElementsOf(replay.pairs());

        // Field by field: the document in Elasticsearch is the one replay builds, apart from the
        // detection time and the arrival delays. Through Kafka these are each event's record time
        // (when the producer sent it) minus its @timestamp; replay measures them another way.
        for (JsonNode expected : replay.alerts()) {
            String id = expected.at("/event/id").asText();
            JsonNode actual =
                    stored.stream()
                            .filter(d -> d.at("/event/id").asText().equals(id))
                            .findFirst()
                            .orElseThrow();
            assertThat(withoutDetectionTime(actual)).isEqualTo(withoutDetectionTime(expected));
            assertArrivalDelay(
                    actual,
                    "/detection/exec_timestamp",
                    "exec_arrival_delay_ms",
                    sentFrom,
                    sentUntil);
            assertArrivalDelay(
                    actual, "/@timestamp", "network_arrival_delay_ms", sentFrom, sentUntil);
        }

        // Malformed lines reach the dead-letter topic, original bytes and provenance intact.
        List<ConsumerRecord<byte[], byte[]>> deadLetters = KAFKA.readAll(run.deadLetters());
        assertThat(deadLetters).hasSize((int) replay.summary().malformed());
        for (ConsumerRecord<byte[], byte[]> record : deadLetters) {
            assertThat(RealKafka.header(record, DeadLetterHeaders.ORIGINAL_TOPIC))
                    .contains(run.events());
            assertThat(RealKafka.header(record, DeadLetterHeaders.ORIGINAL_PARTITION)).isPresent();
            long offset =
                    Long.parseLong(
                            RealKafka.header(record, DeadLetterHeaders.ORIGINAL_OFFSET)
                                    .orElseThrow());
            assertThat(offset).isNotNegative();
            assertThat(RealKafka.header(record, DeadLetterHeaders.REASON)).isPresent();
            assertThat(RealKafka.header(record, DeadLetterHeaders.EXCEPTION_MESSAGE)).isPresent();
        }
        assertThat(
                        deadLetters.stream()
                                .map(
                                        r ->
                                                r.value() == null
                                                        ? ""
                                                        : Base64.getEncoder()
                                                                .encodeToString(r.value())))
                .containsExactlyInAnyOrderElementsOf(
                        replay.deadLetters().stream()
                                .map(
                                        d ->
                                                d.has("payload")
                                                        ? Base64.getEncoder()
                                                                .encodeToString(
                                                                        d.get("payload")
                                                                                .asText()
                                                                                .getBytes(
                                                                                        StandardCharsets
                                                                                                .UTF_8))
                                                        : d.get("payload_base64").asText())
                                .toList());
    }

    @Test
    void exclusionSetsPublishedMidStreamApplyToLaterEvents() throws Exception {
        Run run = Run.create("live");
        StreamExecutionEnvironment env = environment();
        StreamingJob.build(
                env,
                run.settings(
                        Map.of(
                                "detector.max-out-of-orderness", "1 s",
                                "detector.idleness", "1 s")),
                ExclusionSetJson.defaults());
        JobClient job = env.executeAsync("exclusions mid-stream");
        ElasticsearchQueries es = ELASTICSEARCH.queries();
        try {
            // Before any update: a connection to 8.8.8.8 alerts, under the defaults (version 0).
            attack(run, "before", 0, "8.8.8.8");
            awaitAlert(es, run, "before-N");
            assertThat(alert(es, run, "before-N").at("/detection/exclusions_version").asLong())
                    .isZero();

            // Version 1 also excludes 8.8.8.0/24.
            ExclusionSet defaults = ExclusionSetJson.defaults();
            List<String> cidrs = new ArrayList<>(defaults.destinationCidrs());
            cidrs.add("8.8.8.0/24");
            ExclusionTopic.publish(
                    KAFKA.clientConfig(),
                    run.exclusions(),
                    new ExclusionSet(
                            1, cidrs, defaults.processExecutables(), defaults.processNames()));
            // The control stream and the events race; wait until an alert shows version 1 in force.
            awaitVersion(es, run, 1, 100_000);

            // An invalid set goes to the dead letters and changes nothing.
            KAFKA.send(
                    run.exclusions(),
                    null,
                    "v0000000000000000009".getBytes(StandardCharsets.UTF_8),
                    ("{\"version\":9,\"destination_cidrs\":[\"10.0.0.0/33\"],\"process_executables\":[],"
                         + "\"process_names\":[]}")
                            .getBytes(StandardCharsets.UTF_8));
            // So do the two ways to switch detection off from the topic: a set excluding every
            // address, and a version so far ahead that no later set could replace it.
            KAFKA.send(
                    run.exclusions(),
                    null,
                    ExclusionTopic.key(Long.MAX_VALUE).getBytes(StandardCharsets.UTF_8),
                    ("{\"version\":9223372036854775807,\"destination_cidrs\":[\"0.0.0.0/0\",\"::/0\"],"
                         + "\"process_executables\":[],\"process_names\":[]}")
                            .getBytes(StandardCharsets.UTF_8));
            KAFKA.send(
                    run.exclusions(),
                    null,
                    ExclusionTopic.key(5000).getBytes(StandardCharsets.UTF_8),
                    ("{\"version\":5000,\"destination_cidrs\":[\"9.9.9.0/24\"],"
                                    + "\"process_executables\":[],\"process_names\":[]}")
                            .getBytes(StandardCharsets.UTF_8));
            // A malformed event goes there too.
            KAFKA.send(
                    run.events(), null, null, "{\"truncated\":".getBytes(StandardCharsets.UTF_8));

            attack(run, "after-google", 200_000, "8.8.8.8");
            attack(run, "after-quad9", 200_000, "9.9.9.9");
            awaitAlert(es, run, "after-quad9-N");
            awaitVersion(es, run, 1, 300_000);

            assertThat(alert(es, run, "after-quad9-N").at("/detection/exclusions_version").asLong())
                    .isEqualTo(1);
            assertThat(
                            es.ids(
                                    run.dataStream(),
                                    "{\"term\":{\"detection.network_event_id\":\"after-google-N\"}}"))
                    .isEmpty();

            // The legitimate next version still applies, and the publisher is not blocked either.
            List<String> next = new ArrayList<>(cidrs);
            next.add("4.4.4.0/24");
            ExclusionTopic.publish(
                    KAFKA.clientConfig(),
                    run.exclusions(),
                    new ExclusionSet(
                            2, next, defaults.processExecutables(), defaults.processNames()));
            awaitVersion(es, run, 2, 400_000);

            List<ConsumerRecord<byte[], byte[]>> deadLetters = KAFKA.readAll(run.deadLetters());
            assertThat(deadLetters)
                    .extracting(r -> RealKafka.header(r, DeadLetterHeaders.REASON).orElse("?"))
                    .as(
                            "each refusal once, although both subtasks of 'Apply exclusions' saw"
                                    + " the sets")
                    .containsExactlyInAnyOrder(
                            "invalid_exclusion_set",
                            "invalid_exclusion_set",
                            "invalid_exclusion_set",
                            "not_json");
            List<String> refusals =
                    deadLetters.stream()
                            .filter(
                                    r ->
                                            RealKafka.header(r, DeadLetterHeaders.REASON)
                                                    .orElse("")
                                                    .equals("invalid_exclusion_set"))
                            .map(
                                    r ->
                                            RealKafka.header(r, DeadLetterHeaders.EXCEPTION_MESSAGE)
                                                    .orElseThrow())
                            .toList();
            assertThat(refusals).anySatisfy(m -> assertThat(m).contains("10.0.0.0/33"));
            assertThat(refusals)
                    .anySatisfy(
                            m ->
                                    assertThat(m)
                                            .contains(
                                                    "version 9223372036854775807:"
                                                        + " 'destination_cidrs' together exclude"
                                                        + " every IPv4 address"));
            assertThat(refusals)
                    .anySatisfy(
                            m ->
                                    assertThat(m)
                                            .contains(
                                                    "version 5000 is 4999 versions ahead of version"
                                                            + " 1 in force"));
            assertThat(deadLetters)
                    .filteredOn(
                            r ->
                                    RealKafka.header(r, DeadLetterHeaders.REASON)
                                            .orElse("")
                                            .equals("invalid_exclusion_set"))
                    .allSatisfy(
                            r ->
                                    assertThat(
                                                    RealKafka.header(
                                                            r, DeadLetterHeaders.ORIGINAL_TOPIC))
                                            .contains(run.exclusions()));
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * An exec and, 100 ms later, its child's connection to {@code destination}, on host {@code
     * name}.
     */
    private static void attack(Run run, String name, long atMillis, String destination) {
        produce(run.events(), exec(name + "-E").host(name).at(atMillis).bytes());
        produce(
                run.events(),
                connect(name + "-N")
                        .host(name)
                        .at(atMillis + 100)
                        .destination(destination)
                        .bytes());
    }

    /** Sends probe attacks to 1.1.1.1 until one is alerted under {@code version}. */
    private static void awaitVersion(
            ElasticsearchQueries es, Run run, long version, long startMillis) throws Exception {
        long[] t = {startMillis};
        int[] probe = {0};
        await(
                "an alert under exclusion set version " + version,
                () -> {
                    attack(run, "probe" + version + "-" + probe[0]++, t[0] += 2000, "1.1.1.1");
                    sleep(1500);
                    try {
                        return !es.ids(
                                        run.dataStream(),
                                        "{\"term\":{\"detection.exclusions_version\":"
                                                + version
                                                + "}}")
                                .isEmpty();
                    } catch (Exception e) {
                        return false;
                    }
                });
    }

    private static void awaitAlert(ElasticsearchQueries es, Run run, String networkEventId)
            throws Exception {
        await(
                "the alert for " + networkEventId,
                () -> {
                    sleep(500);
                    try {
                        return !es.ids(
                                        run.dataStream(),
                                        "{\"term\":{\"detection.network_event_id\":\""
                                                + networkEventId
                                                + "\"}}")
                                .isEmpty();
                    } catch (Exception e) {
                        return false;
                    }
                });
    }

    private static JsonNode alert(ElasticsearchQueries es, Run run, String networkEventId)
            throws Exception {
        return es.search(
                        run.dataStream(),
                        "{\"term\":{\"detection.network_event_id\":\"" + networkEventId + "\"}}")
                .get(0)
                .get("_source");
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static ReplayRun.AlertPair pair(JsonNode alert) {
        return ReplayRun.AlertPair.of(
                alert.at("/Events/0/event/id").asText(null),
                alert.at("/Events/1/event/id").asText(null));
    }

    private static JsonNode withoutDetectionTime(JsonNode alert) {
        ObjectNode copy = alert.deepCopy();
        ((ObjectNode) copy.get("event")).remove(List.of("created", "ingested"));
        ((ObjectNode) copy.get("detection"))
                .remove(List.of("exec_arrival_delay_ms", "network_arrival_delay_ms"));
        return copy;
    }

    /** The delay is the record's timestamp, set while the producer ran, minus the event's time. */
    private static void assertArrivalDelay(
            JsonNode alert, String timestamp, String delay, long sentFrom, long sentUntil) {
        long eventTime = Instant.parse(alert.at(timestamp).asText()).toEpochMilli();
        assertThat(alert.at("/detection/" + delay).asLong())
                .as(delay + " of " + alert.at("/event/id").asText())
                .isBetween(sentFrom - eventTime, sentUntil - eventTime);
    }
}
