package io.sshdnetcon.kafka;

import io.sshdnetcon.event.DeadLetter;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The one layout of a dead letter as a Kafka record, used by both the Flink sink ({@link
 * BufferedDeadLetterSink}) and the direct publisher ({@link KafkaDeadLetterPublisher}).
 *
 * <p>The value is the original payload, byte for byte, so the record can be fixed and replayed into
 * the events topic as it is. There is no key: the original key is not kept, and dead letters need
 * no ordering. Headers are listed in {@link DeadLetterHeaders}.
 *
 * @param topic the dead-letter topic
 * @param maxPayloadBytes a longer payload is cut to this length, because a record the producer
 *     refuses as too large would fail the sink on every restart
 */
public record DeadLetterRecords(String topic, int maxPayloadBytes) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Below the producer's default max.request.size (1 MiB) with room for the headers. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1_000_000;

    /** Connect's messages are short; ours are too, but an Elasticsearch error can be long. */
    static final int MAX_MESSAGE_CHARS = 4000;

    public DeadLetterRecords {
        KafkaOptions.topic(KafkaOptions.DEAD_LETTER_TOPIC.key(), topic);
        if (maxPayloadBytes < 1) {
            throw new IllegalArgumentException(
                    "maxPayloadBytes must be positive: " + maxPayloadBytes);
        }
    }

    public ProducerRecord<byte[], byte[]> toRecord(DeadLetter letter) {
        RecordHeaders headers = new RecordHeaders();
        if (letter.source() != null) {
            add(headers, DeadLetterHeaders.ORIGINAL_TOPIC, letter.source());
        }
        if (letter.partition() >= 0) {
            add(
                    headers,
                    DeadLetterHeaders.ORIGINAL_PARTITION,
                    Integer.toString(letter.partition()));
        }
        if (letter.offset() >= 0) {
            add(headers, DeadLetterHeaders.ORIGINAL_OFFSET, Long.toString(letter.offset()));
        }
        add(
                headers,
                DeadLetterHeaders.EXCEPTION_CLASS,
                DeadLetterHeaders.exceptionClassName(letter.reason()));
        if (letter.detail() != null) {
            add(headers, DeadLetterHeaders.EXCEPTION_MESSAGE, shorten(letter.detail()));
        }
        add(headers, DeadLetterHeaders.STAGE, DeadLetterHeaders.stage(letter.reason()).name());
        add(headers, DeadLetterHeaders.CONNECTOR_NAME, DeadLetterHeaders.CONNECTOR);
        add(headers, DeadLetterHeaders.REASON, letter.reason().code());
        add(
                headers,
                DeadLetterHeaders.DEAD_LETTERED_AT,
                Instant.ofEpochMilli(letter.timestamp()).toString());

        byte[] value = letter.payload();
        if (value != null && value.length > maxPayloadBytes) {
            add(headers, DeadLetterHeaders.PAYLOAD_ORIGINAL_BYTES, Integer.toString(value.length));
            value = Arrays.copyOf(value, maxPayloadBytes);
        }
        // The record time is when the letter was set aside; producers refuse negative times.
        Long timestamp = letter.timestamp() >= 0 ? letter.timestamp() : null;
        return new ProducerRecord<>(topic, null, timestamp, null, value, headers);
    }

    private static void add(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String shorten(String message) {
        return message.length() <= MAX_MESSAGE_CHARS
                ? message
                : message.substring(0, MAX_MESSAGE_CHARS) + "...";
    }
}
