package io.sshdnetcon.kafka;

import io.sshdnetcon.event.DeadLetter;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes dead letters to the dead-letter topic in the layout of {@link DeadLetterRecords}. */
public final class DeadLetterRecordSerializer implements KafkaRecordSerializationSchema<DeadLetter> {

    private static final long serialVersionUID = 1L;

    private final DeadLetterRecords records;

    public DeadLetterRecordSerializer(DeadLetterRecords records) {
        this.records = records;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            DeadLetter letter, KafkaSinkContext context, Long timestamp) {
        return records.toRecord(letter);
    }
}
