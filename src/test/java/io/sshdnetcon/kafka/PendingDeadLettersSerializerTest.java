package io.sshdnetcon.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.DeadLetterReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaWriterState;
import org.apache.flink.connector.kafka.sink.internal.TransactionOwnership;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class PendingDeadLettersSerializerTest {

    private final PendingDeadLettersSerializer serializer = new PendingDeadLettersSerializer();

    @Test
    void everyFieldSurvivesIncludingNullsBinaryPayloadsAndLongMessages() throws IOException {
        String longDetail = "é".repeat(70_000); // beyond what writeUTF could hold
        List<DeadLetter> letters =
                List.of(
                        new DeadLetter(
                                DeadLetterReason.NOT_JSON,
                                "Unexpected character",
                                "{oops".getBytes(StandardCharsets.UTF_8),
                                "ecs-events",
                                3,
                                17L,
                                1_000L),
                        new DeadLetter(
                                DeadLetterReason.ELASTICSEARCH_REJECTED,
                                longDetail,
                                new byte[] {(byte) 0xff, 0, 1},
                                "logs-x-default",
                                -1,
                                -1L,
                                2_000L),
                        new DeadLetter(DeadLetterReason.LATE_EVENT, null, null, null, -1, -1L, -1L),
                        new DeadLetter(
                                DeadLetterReason.INVALID_EXCLUSION_SET,
                                "",
                                new byte[0],
                                "",
                                0,
                                0L,
                                0L));

        PendingDeadLetters back =
                serializer.deserialize(
                        serializer.getVersion(),
                        serializer.serialize(new PendingDeadLetters(letters)));

        assertThat(back.letters()).containsExactlyElementsOf(letters);
        assertThat(
                        serializer
                                .deserialize(
                                        serializer.getVersion(),
                                        serializer.serialize(PendingDeadLetters.NONE))
                                .letters())
                .isEmpty();
    }

    /** 0.1.0 savepoints hold the KafkaSink's writer state under the same uid. */
    @Test
    void theKafkaSinkStateOfRelease010RestoresAsNoLetters() throws IOException {
        SimpleVersionedSerializer<KafkaWriterState> kafkaSink =
                KafkaSink.<String>builder()
                        .setBootstrapServers("localhost:9")
                        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                        .setRecordSerializer(
                                (KafkaRecordSerializationSchema<String>)
                                        (element, context, timestamp) ->
                                                new ProducerRecord<>(
                                                        "t",
                                                        element.getBytes(StandardCharsets.UTF_8)))
                        .build()
                        .getWriterStateSerializer();
        byte[] legacy =
                kafkaSink.serialize(
                        new KafkaWriterState(
                                "kafka-sink",
                                KafkaWriterState.UNKNOWN,
                                KafkaWriterState.UNKNOWN,
                                TransactionOwnership.IMPLICIT_BY_SUBTASK_ID,
                                List.of()));

        assertThat(kafkaSink.getVersion()).isLessThan(serializer.getVersion());
        assertThat(serializer.deserialize(kafkaSink.getVersion(), legacy).letters()).isEmpty();
    }

    @Test
    void aNewerVersionOrCorruptBytesAreRefusedNotMisread() throws IOException {
        byte[] one =
                serializer.serialize(
                        new PendingDeadLetters(
                                List.of(
                                        new DeadLetter(
                                                DeadLetterReason.NOT_JSON,
                                                "d",
                                                new byte[] {1},
                                                "s",
                                                0,
                                                1L,
                                                2L))));

        assertThatThrownBy(() -> serializer.deserialize(serializer.getVersion() + 1, one))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("newer");
        assertThatThrownBy(
                        () ->
                                serializer.deserialize(
                                        serializer.getVersion(),
                                        Arrays.copyOf(one, one.length + 1)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("after the last letter");
        assertThatThrownBy(
                        () ->
                                serializer.deserialize(
                                        serializer.getVersion(),
                                        Arrays.copyOf(one, one.length - 3)))
                .isInstanceOf(IOException.class);
    }
}
