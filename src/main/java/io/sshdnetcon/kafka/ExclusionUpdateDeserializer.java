package io.sshdnetcon.kafka;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.DeadLetterReason;
import io.sshdnetcon.rule.ExclusionSetJson;
import io.sshdnetcon.rule.ExclusionUpdate;
import io.sshdnetcon.rule.InvalidExclusionSetException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Validates each record of the exclusions control topic. A valid set is accepted; an invalid one
 * becomes a dead letter naming the problem, and the active set stays in force. Tombstones (left by
 * compaction tooling or deletions) carry no set and produce nothing.
 */
public final class ExclusionUpdateDeserializer
        implements KafkaRecordDeserializationSchema<ExclusionUpdate> {

    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ExclusionUpdate> out) {
        if (record.value() == null) {
            return;
        }
        out.collect(toUpdate(record));
    }

    /** Shared with {@link ExclusionTopic} so the start-up read and the stream judge alike. */
    static ExclusionUpdate toUpdate(ConsumerRecord<byte[], byte[]> record) {
        try {
            return ExclusionUpdate.accepted(
                    ExclusionSetJson.parse(record.value()),
                    new ExclusionUpdate.Origin(
                            record.value(), record.topic(), record.partition(), record.offset()));
        } catch (InvalidExclusionSetException e) {
            return rejected(record, e.getMessage());
        } catch (RuntimeException e) {
            // Whatever a hostile record provokes, the control stream must keep the job running.
            return rejected(record, "unreadable exclusion set: " + e);
        }
    }

    private static ExclusionUpdate rejected(ConsumerRecord<byte[], byte[]> record, String problem) {
        return ExclusionUpdate.rejected(
                new DeadLetter(
                        DeadLetterReason.INVALID_EXCLUSION_SET,
                        problem,
                        record.value(),
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        System.currentTimeMillis()));
    }

    @Override
    public TypeInformation<ExclusionUpdate> getProducedType() {
        return TypeInformation.of(ExclusionUpdate.class);
    }
}
