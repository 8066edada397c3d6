package io.sshdnetcon.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

class DeadLetterRecordsTest {

    private static final long AT = 1767607200123L; // 2026-01-05T10:00:00.123Z

    private final DeadLetterRecords records = new DeadLetterRecords("dlq", 1024);

    static Map<String, String> headers(ProducerRecord<byte[], byte[]> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    @Test
    void kafkaOriginGetsEveryConnectHeader() {
        byte[] payload = "{\"@timestamp\": nope}".getBytes(StandardCharsets.UTF_8);
        DeadLetter letter =
                new DeadLetter(
                        DeadLetterReason.NOT_JSON,
                        "Unrecognized token 'nope'",
                        payload,
                        "ecs-events",
                        3,
                        4711L,
                        AT);

        ProducerRecord<byte[], byte[]> record = records.toRecord(letter);

        assertThat(record.topic()).isEqualTo("dlq");
        assertThat(record.key()).isNull();
        assertThat(record.value()).isEqualTo(payload);
        assertThat(record.timestamp()).isEqualTo(AT);
        assertThat(headers(record))
                .containsExactly(
                        Map.entry("__connect.errors.topic", "ecs-events"),
                        Map.entry("__connect.errors.partition", "3"),
                        Map.entry("__connect.errors.offset", "4711"),
                        Map.entry("__connect.errors.exception.class.name", "io.sshdnetcon.NotJson"),
                        Map.entry(
                                "__connect.errors.exception.message", "Unrecognized token 'nope'"),
                        Map.entry("__connect.errors.stage", "PARSE"),
                        Map.entry("__connect.errors.connector.name", "sshd-netcon-detector"),
                        Map.entry("sshdnetcon.reason", "not_json"),
                        Map.entry("sshdnetcon.dead_lettered_at", "2026-01-05T10:00:00.123Z"));
    }

    @Test
    void unknownPartitionAndOffsetAreOmitted() {
        DeadLetter letter =
                new DeadLetter(
                        DeadLetterReason.ELASTICSEARCH_REJECTED,
                        "mapper_parsing_exception: ü",
                        new byte[] {1, 2},
                        "alerts",
                        -1,
                        -1,
                        AT);

        Map<String, String> headers = headers(records.toRecord(letter));

        assertThat(headers)
                .doesNotContainKeys("__connect.errors.partition", "__connect.errors.offset")
                .containsEntry("__connect.errors.topic", "alerts")
                .containsEntry("__connect.errors.stage", "SINK")
                .containsEntry("__connect.errors.exception.message", "mapper_parsing_exception: ü")
                .containsEntry(
                        "__connect.errors.exception.class.name",
                        "io.sshdnetcon.ElasticsearchRejected");
    }

    @Test
    void everyReasonHasAStageAndAStableName() {
        assertThat(DeadLetterHeaders.stage(DeadLetterReason.LATE_EVENT))
                .isEqualTo(DeadLetterHeaders.Stage.DETECT);
        assertThat(DeadLetterHeaders.stage(DeadLetterReason.ALERT_BUILD_FAILED))
                .isEqualTo(DeadLetterHeaders.Stage.DETECT);
        assertThat(DeadLetterHeaders.stage(DeadLetterReason.INVALID_EXCLUSION_SET))
                .isEqualTo(DeadLetterHeaders.Stage.CONTROL);
        assertThat(DeadLetterHeaders.stage(DeadLetterReason.RECORD_TOO_LARGE))
                .isEqualTo(DeadLetterHeaders.Stage.PARSE);
        assertThat(DeadLetterHeaders.exceptionClassName(DeadLetterReason.INVALID_EXCLUSION_SET))
                .isEqualTo("io.sshdnetcon.InvalidExclusionSet");
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            assertThat(DeadLetterHeaders.exceptionClassName(reason))
                    .matches("io\\.sshdnetcon\\.[A-Z][A-Za-z]+");
        }
    }

    @Test
    void oversizedPayloadIsCutAndSaysSo() {
        byte[] payload = new byte[5000];
        DeadLetter letter =
                new DeadLetter(
                        DeadLetterReason.RECORD_TOO_LARGE, "too large", payload, "t", 0, 1, AT);

        ProducerRecord<byte[], byte[]> record = records.toRecord(letter);

        assertThat(record.value()).hasSize(1024);
        assertThat(headers(record)).containsEntry("sshdnetcon.payload_original_bytes", "5000");
        assertThat(headers(new DeadLetterRecords("dlq", 5000).toRecord(letter)))
                .doesNotContainKey("sshdnetcon.payload_original_bytes");
    }

    @Test
    void longMessagesAreShortened() {
        String detail = "x".repeat(10_000);
        DeadLetter letter =
                new DeadLetter(
                        DeadLetterReason.ELASTICSEARCH_REJECTED,
                        detail,
                        new byte[0],
                        "a",
                        -1,
                        -1,
                        AT);

        assertThat(headers(records.toRecord(letter)).get("__connect.errors.exception.message"))
                .hasSize(DeadLetterRecords.MAX_MESSAGE_CHARS + 3)
                .endsWith("...");
    }
}
