package io.sshdnetcon.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.sshdnetcon.event.DeadLetterReason;
import io.sshdnetcon.event.Outcome;
import io.sshdnetcon.event.ParsedRecord;
import io.sshdnetcon.job.PipelineSettings;
import io.sshdnetcon.parse.ParserSettings;
import io.sshdnetcon.rule.ExclusionUpdate;
import io.sshdnetcon.testing.MiniClusters;
import io.sshdnetcon.testing.RealKafka;
import io.sshdnetcon.testing.SpecEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The events and exclusions sources as {@link KafkaConnectors} builds them, reading a real broker
 * inside a MiniCluster job (made bounded at the topics' current end).
 */
class KafkaSourcesITCase {

    @RegisterExtension static final RealKafka KAFKA = new RealKafka();

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

    private static final int MAX_RECORD_BYTES = 1024;

    @TempDir Path dir;

    private KafkaOptions.Settings settings(String eventsTopic, String exclusionsTopic)
            throws Exception {
        // The client settings go through Kafka's file config provider, as secrets would: if the
        // source's admin client or consumers did not resolve it, "${file:...}" would be an invalid
        // security.protocol and the job would fail.
        Path client = RealKafka.propertiesResolvedThroughFileProvider(dir);
        Configuration conf = new Configuration();
        conf.setString(KafkaOptions.BOOTSTRAP_SERVERS.key(), KAFKA.bootstrap());
        conf.setString(KafkaOptions.EVENTS_TOPICS.key(), eventsTopic);
        conf.setString(KafkaOptions.EXCLUSIONS_TOPIC.key(), exclusionsTopic);
        // A new group and the default 'committed' start: with no committed offsets the source
        // must fall back to the earliest offset and see every record.
        conf.setString(KafkaOptions.GROUP_ID.key(), "it-" + eventsTopic);
        conf.setString(KafkaOptions.PROPERTIES_FILE.key(), client.toString());
        return KafkaOptions.read(conf);
    }

    private static <T> List<T> collect(Source<T, ?, ?> source) throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        PipelineSettings.apply(new Configuration()));
        env.setParallelism(2);
        List<T> out = new ArrayList<>();
        try (CloseableIterator<T> it =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka")
                        .uid("kafka-source")
                        .executeAndCollect("kafka source test")) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void everyEventRecordBecomesExactlyOneParsedRecordWithItsProvenance() throws Exception {
        String topic = KAFKA.createTopic("it-events", 2, false);
        byte[] exec = SpecEvents.exec("E1").bytes();
        byte[] irrelevant = SpecEvents.exec("E2").set("event.action", "fork").bytes();
        byte[] notJson = "{\"@timestamp\": oops".getBytes(StandardCharsets.UTF_8);
        byte[] noTimestamp = SpecEvents.exec("E3").remove("@timestamp").bytes();
        byte[] tooLarge =
                SpecEvents.exec("E4").set("message", "x".repeat(2 * MAX_RECORD_BYTES)).bytes();

        List<RecordMetadata> sent = new ArrayList<>();
        sent.add(KAFKA.send(topic, 0, key("h1"), exec));
        sent.add(KAFKA.send(topic, 1, key("h2"), irrelevant));
        sent.add(KAFKA.send(topic, 0, null, notJson));
        sent.add(KAFKA.send(topic, 1, key("h1"), null));
        sent.add(KAFKA.send(topic, 0, key("h1"), noTimestamp));
        sent.add(KAFKA.send(topic, 1, key("h3"), tooLarge));

        KafkaOptions.Settings settings = settings(topic, "unused-exclusions");
        List<ParsedRecord> parsed =
                collect(
                        KafkaConnectors.eventsSourceBuilder(
                                        settings, ParserSettings.validatingAll(MAX_RECORD_BYTES))
                                .setBounded(OffsetsInitializer.latest())
                                .build());

        assertThat(parsed).hasSize(6);
        parsed.sort(
                Comparator.comparingInt(ParsedRecord::partition)
                        .thenComparingLong(ParsedRecord::offset));
        assertThat(parsed).allSatisfy(p -> assertThat(p.source()).isEqualTo(topic));
        assertThat(parsed)
                .extracting(p -> p.partition() + "/" + p.offset())
                .containsExactlyInAnyOrderElementsOf(
                        sent.stream().map(m -> m.partition() + "/" + m.offset()).toList());

        ParsedRecord execRecord = at(parsed, sent.get(0));
        assertThat(execRecord.outcome()).isEqualTo(Outcome.CANDIDATE);
        assertThat(execRecord.event().eventId()).isEqualTo("E1");
        assertThat(execRecord.timestamp()).isEqualTo(SpecEvents.BEGINNING.toEpochMilli());

        assertThat(at(parsed, sent.get(1)).outcome()).isEqualTo(Outcome.IRRELEVANT);

        ParsedRecord broken = at(parsed, sent.get(2));
        assertThat(broken.outcome()).isEqualTo(Outcome.MALFORMED);
        assertThat(broken.deadLetter().reason()).isEqualTo(DeadLetterReason.NOT_JSON);
        assertThat(broken.deadLetter().payload()).isEqualTo(notJson);
        assertThat(broken.deadLetter().source()).isEqualTo(topic);
        assertThat(broken.deadLetter().partition()).isEqualTo(sent.get(2).partition());
        assertThat(broken.deadLetter().offset()).isEqualTo(sent.get(2).offset());

        ParsedRecord tombstone = at(parsed, sent.get(3));
        assertThat(tombstone.outcome()).isEqualTo(Outcome.MALFORMED);
        assertThat(tombstone.deadLetter().detail()).isEqualTo("record has no value");
        assertThat(tombstone.deadLetter().payload()).isEmpty();
        assertThat(tombstone.deadLetter().offset()).isEqualTo(sent.get(3).offset());

        assertThat(at(parsed, sent.get(4)).deadLetter().reason())
                .isEqualTo(DeadLetterReason.INVALID_TIMESTAMP);

        ParsedRecord large = at(parsed, sent.get(5));
        assertThat(large.deadLetter().reason()).isEqualTo(DeadLetterReason.RECORD_TOO_LARGE);
        assertThat(large.deadLetter().payload()).hasSize(MAX_RECORD_BYTES);
    }

    @Test
    void exclusionRecordsAreAcceptedOrRejectedWithTheReasonAndTombstonesSkipped() throws Exception {
        String topic = KAFKA.createTopic("it-exclusions", 1, true);
        String valid1 =
                "{\"version\":1,\"destination_cidrs\":[\"10.0.0.0/8\"],\"process_executables\":[],\"process_names\":[\"ssh\"]}";
        String badCidr =
                "{\"version\":2,\"destination_cidrs\":[\"10.0.0.0/33\"],\"process_executables\":[],\"process_names\":[]}";
        String unknownField =
                "{\"version\":3,\"destination_cidrs\":[],\"process_executables\":[],\"process_names\":[],\"hosts\":[]}";
        String wrongType =
                "{\"version\":\"4\",\"destination_cidrs\":[],\"process_executables\":[],\"process_names\":[]}";
        String notJson = "version: 5";
        String valid6 =
                "{\"version\":6,\"description\":\"d\",\"destination_cidrs\":[\"fe80::/10\"],\"process_executables\":[\"/bin/yum\"],\"process_names\":[]}";

        List<RecordMetadata> sent = new ArrayList<>();
        for (String value : List.of(valid1, badCidr, unknownField, wrongType, notJson)) {
            sent.add(KAFKA.send(topic, null, key("k"), value.getBytes(StandardCharsets.UTF_8)));
        }
        sent.add(KAFKA.send(topic, null, key("v1"), null));
        sent.add(KAFKA.send(topic, null, key("v6"), valid6.getBytes(StandardCharsets.UTF_8)));

        List<ExclusionUpdate> updates =
                collect(
                        KafkaConnectors.exclusionsSourceBuilder(settings("unused-events", topic))
                                .setBounded(OffsetsInitializer.latest())
                                .build());

        assertThat(updates).as("the tombstone produces nothing").hasSize(6);
        assertThat(updates.stream().filter(u -> u.set() != null).map(u -> u.set().version()))
                .containsExactly(1L, 6L);
        assertThat(updates.get(5).set().destinationCidrs()).containsExactly("fe80::/10");

        List<ExclusionUpdate> rejected = updates.stream().filter(u -> u.set() == null).toList();
        assertThat(rejected)
                .allSatisfy(
                        u -> {
                            assertThat(u.rejected().reason())
                                    .isEqualTo(DeadLetterReason.INVALID_EXCLUSION_SET);
                            assertThat(u.rejected().source()).isEqualTo(topic);
                            assertThat(u.rejected().partition()).isZero();
                        });
        assertThat(rejected)
                .extracting(u -> u.rejected().offset())
                .containsExactly(
                        sent.get(1).offset(),
                        sent.get(2).offset(),
                        sent.get(3).offset(),
                        sent.get(4).offset());
        assertThat(rejected.get(0).rejected().detail())
                .startsWith("'destination_cidrs': ")
                .contains("10.0.0.0/33");
        assertThat(rejected.get(1).rejected().detail()).startsWith("unknown field 'hosts'");
        assertThat(rejected.get(2).rejected().detail())
                .contains("'version' must be a non-negative integer");
        assertThat(rejected.get(3).rejected().detail()).startsWith("not valid JSON");
        assertThat(rejected.get(0).rejected().payload())
                .isEqualTo(badCidr.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] key(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    private static ParsedRecord at(List<ParsedRecord> parsed, RecordMetadata sent) {
        return parsed.stream()
                .filter(p -> p.partition() == sent.partition() && p.offset() == sent.offset())
                .findFirst()
                .orElseThrow();
    }
}
