package io.sshdnetcon.kafka;

import static io.sshdnetcon.testing.RealKafka.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.DeadLetterPublisher;
import io.sshdnetcon.event.DeadLetterPublisherFactory;
import io.sshdnetcon.event.DeadLetterReason;
import io.sshdnetcon.job.PipelineSettings;
import io.sshdnetcon.testing.MiniClusters;
import io.sshdnetcon.testing.RealKafka;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Dead letters written through the Flink sink and through the direct publisher, read back raw. */
class DeadLetterKafkaITCase {

    @RegisterExtension static final RealKafka KAFKA = new RealKafka();

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

    private static final long AT = Instant.parse("2026-01-05T10:00:00.250Z").toEpochMilli();

    private static final List<DeadLetter> LETTERS =
            List.of(
                    new DeadLetter(
                            DeadLetterReason.NOT_JSON,
                            "Unexpected character ('o')",
                            "{\"@timestamp\": oops".getBytes(StandardCharsets.UTF_8),
                            "ecs-events",
                            2,
                            17L,
                            AT),
                    new DeadLetter(
                            DeadLetterReason.INVALID_EXCLUSION_SET,
                            "'destination_cidrs': invalid prefix length in '10.0.0.0/33'",
                            "{\"version\":2}".getBytes(StandardCharsets.UTF_8),
                            "sshd-netcon-exclusions",
                            0,
                            5L,
                            AT + 1),
                    new DeadLetter(
                            DeadLetterReason.ELASTICSEARCH_REJECTED,
                            "mapper_parsing_exception: failed to parse field [destination.ip] – ü",
                            new byte[] {(byte) 0xff, 0, 1, (byte) 0xfe},
                            "logs-sshd_netcon.alerts-default",
                            -1,
                            -1L,
                            AT + 2),
                    new DeadLetter(
                            DeadLetterReason.LATE_EVENT,
                            "event time is 12 s behind the watermark",
                            "{\"event\":{\"id\":\"N\"}}".getBytes(StandardCharsets.UTF_8),
                            "ecs-events",
                            0,
                            99L,
                            AT + 3));

    @TempDir Path dir;

    private KafkaOptions.Settings settings(String deadLetterTopic) throws IOException {
        // As in the sources test: the sink's producers must resolve a config-provider placeholder.
        Path client = RealKafka.propertiesResolvedThroughFileProvider(dir);
        Configuration conf = new Configuration();
        conf.setString(KafkaOptions.PROPERTIES_FILE.key(), client.toString());
        conf.setString(KafkaOptions.BOOTSTRAP_SERVERS.key(), KAFKA.bootstrap());
        conf.setString(KafkaOptions.EVENTS_TOPICS.key(), "ecs-events");
        conf.setString(KafkaOptions.DEAD_LETTER_TOPIC.key(), deadLetterTopic);
        return KafkaOptions.read(conf);
    }

    @Test
    void theSinkWritesPayloadsUntouchedWithConnectHeaders() throws Exception {
        String topic = KAFKA.createTopic("it-dlq-sink", 2, false);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        PipelineSettings.apply(new Configuration()));
        env.setParallelism(2);
        env.fromData(LETTERS, TypeInformation.of(DeadLetter.class))
                .uid("letters")
                .sinkTo(KafkaConnectors.deadLetterSink(settings(topic)))
                .uid("dead-letter-sink");
        env.execute("dead-letter sink test");

        assertWrittenAsSpecified(KAFKA.readAll(topic));
    }

    @Test
    void thePublisherWritesTheSameLayoutAndFlushWaitsForAcks() throws Exception {
        String topic = KAFKA.createTopic("it-dlq-publisher", 1, false);
        DeadLetterPublisherFactory factory =
                KafkaConnectors.deadLetterPublisherFactory(settings(topic));
        // The factory travels inside the job graph.
        DeadLetterPublisherFactory shipped =
                InstantiationUtil.clone(factory, getClass().getClassLoader());

        try (DeadLetterPublisher publisher = shipped.create()) {
            for (DeadLetter letter : LETTERS) {
                publisher.publish(letter);
            }
            publisher.flush();
            // flush() returned: every record is acknowledged, so a reader sees all of them now.
            assertWrittenAsSpecified(KAFKA.readAll(topic));
        }
    }

    /**
     * The Elasticsearch sink's path during a dead-letter topic outage: publishing never blocks,
     * flush gives up at once instead of holding the checkpoint, letters wait within the bound and
     * beyond it are dropped and counted, and the buffered ones arrive once the topic is back.
     */
    @Test
    void thePublisherBuffersThroughATopicOutageAndDeliversWhenItReturns() throws Exception {
        String topic = KAFKA.createTopic("it-dlq-outage", 1, false);
        DeadLetterBuffer.Limits limits =
                new DeadLetterBuffer.Limits(3, 1 << 20, Duration.ofSeconds(2));
        KafkaDeadLetterPublisher publisher =
                new KafkaDeadLetterPublisher(
                        settings(topic).clientConfig(),
                        new DeadLetterRecords(topic, 1_000_000),
                        limits,
                        "it publisher");
        try (publisher) {
            publisher.publish(LETTERS.get(0));
            publisher.flush();
            assertThat(KAFKA.readAll(topic)).hasSize(1);

            KAFKA.deleteTopic(topic);
            long start = System.nanoTime();
            for (DeadLetter letter : LETTERS.subList(1, 4)) {
                publisher.publish(letter);
            }
            publisher.publish(letter(DeadLetterReason.NOT_JSON, "beyond the bound"));
            assertThat(publisher.buffered()).isEqualTo(3);
            assertThat(publisher.dropped()).isEqualTo(1);
            publisher.flush();
            publisher.flush();
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("flushes during the outage return within the flush timeout")
                    .isLessThan(Duration.ofSeconds(4).plus(limits.flushTimeout()));
            assertThat(publisher.buffered()).isEqualTo(3);

            KAFKA.recreateTopic(topic, 1, false);
            await(() -> publisher.buffered() == 0, "the buffered letters to be acknowledged");
            List<ConsumerRecord<byte[], byte[]>> delivered = KAFKA.readAll(topic);
            assertThat(delivered)
                    .extracting(ConsumerRecord::value)
                    .containsExactlyInAnyOrder(
                            LETTERS.get(1).payload(),
                            LETTERS.get(2).payload(),
                            LETTERS.get(3).payload());
            assertThat(publisher.dropped()).isEqualTo(1);
        }
    }

    private static DeadLetter letter(DeadLetterReason reason, String payload) {
        return new DeadLetter(
                reason, "test", payload.getBytes(StandardCharsets.UTF_8), "ecs-events", 0, 1L, AT);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private static void assertWrittenAsSpecified(List<ConsumerRecord<byte[], byte[]>> records) {
        assertThat(records).hasSize(LETTERS.size());
        List<ConsumerRecord<byte[], byte[]>> byTime = new ArrayList<>(records);
        byTime.sort(Comparator.comparingLong(ConsumerRecord::timestamp));
        for (int i = 0; i < LETTERS.size(); i++) {
            DeadLetter letter = LETTERS.get(i);
            ConsumerRecord<byte[], byte[]> record = byTime.get(i);
            assertThat(record.key()).isNull();
            assertThat(record.value()).as("payload of " + letter).isEqualTo(letter.payload());
            assertThat(record.timestamp()).isEqualTo(letter.timestamp());
            Map<String, String> headers = new HashMap<>();
            for (Header h : record.headers()) {
                assertThat(headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)))
                        .as("header " + h.key() + " appears once")
                        .isNull();
            }
            assertThat(headers).containsEntry("__connect.errors.topic", letter.source());
            if (letter.partition() >= 0) {
                assertThat(headers)
                        .containsEntry(
                                "__connect.errors.partition", Integer.toString(letter.partition()))
                        .containsEntry("__connect.errors.offset", Long.toString(letter.offset()));
            } else {
                assertThat(headers)
                        .doesNotContainKeys(
                                "__connect.errors.partition", "__connect.errors.offset");
            }
            assertThat(headers)
                    .containsEntry(
                            "__connect.errors.exception.class.name",
                            DeadLetterHeaders.exceptionClassName(letter.reason()))
                    .containsEntry("__connect.errors.exception.message", letter.detail())
                    .containsEntry(
                            "__connect.errors.stage",
                            DeadLetterHeaders.stage(letter.reason()).name())
                    .containsEntry("__connect.errors.connector.name", "sshd-netcon-detector")
                    .containsEntry("sshdnetcon.reason", letter.reason().code())
                    .containsEntry(
                            "sshdnetcon.dead_lettered_at",
                            Instant.ofEpochMilli(letter.timestamp()).toString());
            assertThat(headers).hasSize(letter.partition() >= 0 ? 9 : 7);
        }
        assertThat(header(byTime.get(0), "__connect.errors.exception.class.name"))
                .hasValue("io.sshdnetcon.NotJson");
        assertThat(header(byTime.get(1), "__connect.errors.stage")).hasValue("CONTROL");
        assertThat(header(byTime.get(2), "__connect.errors.stage")).hasValue("SINK");
        assertThat(header(byTime.get(3), "__connect.errors.stage")).hasValue("DETECT");
        assertThat(header(byTime.get(0), "sshdnetcon.dead_lettered_at"))
                .hasValue("2026-01-05T10:00:00.250Z");
    }
}
