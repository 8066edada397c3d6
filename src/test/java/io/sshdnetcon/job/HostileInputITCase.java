package io.sshdnetcon.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sshdnetcon.detect.AlertIds;
import io.sshdnetcon.event.DeadLetterReason;
import io.sshdnetcon.kafka.DeadLetterHeaders;
import io.sshdnetcon.kafka.HostIdKey;
import io.sshdnetcon.parse.EcsEventParser;
import io.sshdnetcon.rule.ExclusionSetJson;
import io.sshdnetcon.rule.RuleMetadata;
import io.sshdnetcon.testing.HostileCorpus;
import io.sshdnetcon.testing.HostileCorpus.Case;
import io.sshdnetcon.testing.LocalElasticsearch;
import io.sshdnetcon.testing.MiniClusters;
import io.sshdnetcon.testing.RealKafka;
import io.sshdnetcon.testing.ReferenceDetector;
import io.sshdnetcon.testing.ReplayRun;
import io.sshdnetcon.testing.ReplayRun.AlertPair;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * No record can stop the job (issue 13): the hostile corpus ({@link HostileCorpus}) through the
 * replay job on a MiniCluster, through the streaming job on real Kafka and Elasticsearch, and the
 * issue's exact reproduction through the replay command's main class. Every hostile record is
 * dead-lettered under its own reason or processed, the job finishes, and the qualifying pairs
 * within the limits alert exactly as the independent {@link ReferenceDetector} says.
 */
class HostileInputITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(4);

    @RegisterExtension static final RealKafka KAFKA = new RealKafka();
    @RegisterExtension static final LocalElasticsearch ELASTICSEARCH = new LocalElasticsearch();

    /** Reasons the oracle knows nothing of: it parses with Jackson's defaults. */
    private static final Set<DeadLetterReason> LIMITS =
            EnumSet.of(
                    DeadLetterReason.NESTING_TOO_DEEP,
                    DeadLetterReason.NAME_TOO_LONG,
                    DeadLetterReason.NUMBER_TOO_LONG,
                    DeadLetterReason.STRING_TOO_LONG,
                    DeadLetterReason.RECORD_TOO_LARGE);

    /**
     * Cases whose alert Elasticsearch refuses (400), as it would refuse their events: a scalar
     * where the {@code process} object is mapped, and a key with an empty segment inside {@code
     * process}. The job alerts per the contract; the sink dead-letters what the node refuses.
     */
    private static final Set<String> ELASTICSEARCH_REFUSES =
            Set.of("dotted-keys-and-a-scalar-process", "empty-segments-in-process");

    /** Room for the corpus' largest records (4 MiB and a little) in Kafka. */
    private static final int MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

    private static final List<Case> CASES = HostileCorpus.all();
    private static final List<byte[]> LINES = HostileCorpus.lines(CASES);

    @TempDir Path dir;

    @Test
    void replayDeadLettersEachHostileRecordUnderItsReasonAndAlertsOnTheRest() throws Exception {
        ReplayRun.Result result = ReplayRun.in(dir).parallelism(2).bytes(LINES);

        Map<Long, String> reasons = new TreeMap<>();
        result.deadLetters()
                .forEach(d -> reasons.put(d.get("offset").asLong(), d.get("reason").asText()));
        assertThat(reasons).isEqualTo(expectedReasonsByLine());
        assertThat(result.lateEvents()).isEmpty();

        List<AlertPair> expected = expectedAlerts();
        assertThat(pairs(result.alerts())).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(expected).hasSizeGreaterThan(15);
        assertThat(oracle()).containsExactlyInAnyOrderElementsOf(expected);

        JobSummary s = result.summary();
        assertThat(s.read()).isEqualTo(LINES.size());
        assertThat(s.malformed()).isEqualTo(reasons.size());
        assertThat(s.alerts()).isEqualTo(expected.size());
    }

    @Test
    void theStreamingJobOnKafkaAndElasticsearchDoesTheSame() throws Exception {
        String events =
                KAFKA.createTopic(
                        "hostile-events",
                        4,
                        Map.of("max.message.bytes", Integer.toString(MAX_MESSAGE_BYTES)));
        String exclusions = KAFKA.createTopic("hostile-exclusions", 1, true);
        String deadLetters = KAFKA.createTopic("hostile-dead-letters", 1, false);
        String namespace = StreamingRun.uniqueNamespace("hostile");
        try (KafkaProducer<byte[], byte[]> producer =
                KAFKA.producer(Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_MESSAGE_BYTES))) {
            for (byte[] line : LINES) {
                String host = HostIdKey.find(line, 0, line.length);
                producer.send(
                                new ProducerRecord<>(
                                        events,
                                        host == null ? null : host.getBytes(StandardCharsets.UTF_8),
                                        line))
                        .get();
            }
        }

        Map<String, String> conf = new HashMap<>();
        conf.put("kafka.bootstrap-servers", KAFKA.bootstrap());
        conf.put("kafka.events-topics", events);
        conf.put("kafka.exclusions-topic", exclusions);
        conf.put("kafka.dead-letter-topic", deadLetters);
        conf.put("kafka.group-id", "it-" + namespace);
        conf.put("kafka.starting-offsets", "earliest");
        conf.put("kafka.stop-at-latest", "true");
        conf.put("es.hosts", ELASTICSEARCH.url());
        conf.put("es.namespace", namespace);
        conf.put("es.template.replicas", "0");
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        PipelineSettings.apply(new Configuration()));
        env.setParallelism(2);
        StreamingJob.build(
                env,
                StreamingJob.Settings.read(Configuration.fromMap(conf)),
                ExclusionSetJson.defaults());
        env.execute("hostile input through kafka"); // throws if the job fails

        List<ConsumerRecord<byte[], byte[]>> all = KAFKA.readAll(deadLetters);
        List<ConsumerRecord<byte[], byte[]>> letters =
                all.stream()
                        .filter(
                                r ->
                                        !reason(r)
                                                .equals(
                                                        DeadLetterReason.ELASTICSEARCH_REJECTED
                                                                .code()))
                        .toList();
        assertThat(letters)
                .extracting(HostileInputITCase::reason)
                .containsExactlyInAnyOrderElementsOf(expectedReasonsByLine().values());
        // Alerts Elasticsearch refuses, as it refuses their events: dead letters, not failures.
        assertThat(
                        all.stream()
                                .filter(
                                        r ->
                                                reason(r)
                                                        .equals(
                                                                DeadLetterReason
                                                                        .ELASTICSEARCH_REJECTED
                                                                        .code()))
                                .map(
                                        r ->
                                                RealKafka.header(
                                                                r,
                                                                DeadLetterHeaders.EXCEPTION_MESSAGE)
                                                        .orElse("")))
                .hasSize(ELASTICSEARCH_REFUSES.size())
                .allSatisfy(
                        message -> assertThat(message).contains(" 400 document_parsing_exception"))
                .anySatisfy(
                        message ->
                                assertThat(message)
                                        .startsWith(
                                                "alert "
                                                        + alertId(
                                                                "dotted-keys-and-a-scalar-process"))
                                        .contains(
                                                "object mapping for [process] tried to parse field"
                                                        + " [null] as object"))
                .anySatisfy(
                        message ->
                                assertThat(message)
                                        .startsWith("alert " + alertId("empty-segments-in-process"))
                                        .contains("field name cannot contain only whitespace"));
        for (ConsumerRecord<byte[], byte[]> letter : letters) {
            // The original bytes, cut at the dead-letter payload limit (1 MB by default).
            byte[] original =
                    LINES.stream()
                            .filter(line -> startsWith(line, letter.value()))
                            .findFirst()
                            .orElseThrow(
                                    () ->
                                            new AssertionError(
                                                    "no record starts with a dead letter's value"));
            assertThat(letter.value().length).isEqualTo(Math.min(original.length, 1_000_000));
        }

        String dataStream = "logs-sshdnetcon.alerts-" + namespace;
        List<JsonNode> stored =
                ELASTICSEARCH
                        .queries()
                        .search(
                                dataStream,
                                "{\"match_all\":{}}",
                                List.of("detection.exec_event_id", "detection.network_event_id"));
        assertThat(pairs(stored.stream().map(h -> h.get("_source")).toList()))
                .containsExactlyInAnyOrderElementsOf(
                        CASES.stream()
                                .filter(
                                        c ->
                                                c.alerts()
                                                        && !ELASTICSEARCH_REFUSES.contains(
                                                                c.name()))
                                .map(Case::alert)
                                .toList());
    }

    private static String reason(ConsumerRecord<byte[], byte[]> record) {
        return RealKafka.header(record, DeadLetterHeaders.REASON).orElse("?");
    }

    private static String alertId(String caseName) {
        Case c = CASES.stream().filter(x -> x.name().equals(caseName)).findFirst().orElseThrow();
        EcsEventParser parser = new EcsEventParser();
        return AlertIds.of(
                RuleMetadata.get().ruleId(),
                parser.parse(c.exec(), "t", -1, 1).event(),
                parser.parse(c.connect(), "t", -1, 2).event());
    }

    /** The issue's reproduction, through the replay command's main class: it must exit 0. */
    @Test
    void theReplayCommandFinishesOnTheIssue13Reproduction() throws Exception {
        Path events = dir.resolve("issue13.ndjson");
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] line : HostileCorpus.issue13Reproduction()) {
            content.writeBytes(line);
            content.write('\n');
        }
        Files.write(events, content.toByteArray());
        Path alerts = dir.resolve("alerts.ndjson");
        Path deadLetters = dir.resolve("dead-letters.ndjson");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-exports"))
                .forEach(command::add);
        command.addAll(
                List.of(
                        "-cp",
                        System.getProperty("java.class.path"),
                        ReplayJob.class.getName(),
                        "--events",
                        events.toString(),
                        "--alerts",
                        alerts.toString(),
                        "--dead-letter",
                        deadLetters.toString()));
        Path output = dir.resolve("replay.log");
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(output);

        assertThat(process.exitValue()).as(log).isZero();
        assertThat(log)
                .contains("replay: read=2 parsed=1 skipped=0 malformed=1 relevant=1 ")
                .contains(" alerts=0 ")
                .doesNotContain("StackOverflowError");
        assertThat(Files.readString(alerts)).isEmpty();
        assertThat(Files.readString(deadLetters))
                .contains("\"reason\":\"name_too_long\"")
                .contains("\"offset\":2");
    }

    /** Line number (1-based, as dead letters count them) to the reason it must be refused with. */
    private static Map<Long, String> expectedReasonsByLine() {
        Map<Long, String> reasons = new TreeMap<>();
        for (int i = 0; i < CASES.size(); i++) {
            Case c = CASES.get(i);
            if (c.execReason() != null) {
                reasons.put(2L * i + 1, c.execReason().code());
            }
            if (c.connectReason() != null) {
                reasons.put(2L * i + 2, c.connectReason().code());
            }
        }
        return reasons;
    }

    private static List<AlertPair> expectedAlerts() {
        return CASES.stream().filter(Case::alerts).map(Case::alert).toList();
    }

    /**
     * The independent oracle's alerts on the corpus without the records our limits refuse: the
     * oracle knows the contract (strict UTF-8, duplicate keys, types, exclusions), not the limits.
     */
    private static List<AlertPair> oracle() {
        List<byte[]> withinLimits = new ArrayList<>();
        for (Case c : CASES) {
            if (!LIMITS.contains(c.execReason())) {
                withinLimits.add(c.exec());
            }
            if (!LIMITS.contains(c.connectReason())) {
                withinLimits.add(c.connect());
            }
        }
        return ReferenceDetector.detect(withinLimits, 5000, ReferenceDetector.Exclusions.defaults())
                .alerts()
                .stream()
                .map(a -> AlertPair.of(a.execEventId(), a.networkEventId()))
                .toList();
    }

    private static List<AlertPair> pairs(List<JsonNode> alerts) {
        return alerts.stream()
                .map(
                        a ->
                                AlertPair.of(
                                        a.at("/detection/exec_event_id").asText(null),
                                        a.at("/detection/network_event_id").asText(null)))
                .toList();
    }

    private static boolean startsWith(byte[] line, byte[] prefix) {
        return prefix != null
                && line.length >= prefix.length
                && java.util.Arrays.equals(line, 0, prefix.length, prefix, 0, prefix.length);
    }
}
