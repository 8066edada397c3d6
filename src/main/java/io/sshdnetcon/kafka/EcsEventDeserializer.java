package io.sshdnetcon.kafka;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.DeadLetterReason;
import io.sshdnetcon.event.Outcome;
import io.sshdnetcon.event.ParsedRecord;
import io.sshdnetcon.parse.EcsEventParser;
import io.sshdnetcon.parse.ParserSettings;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Parses each record of the events topics inside the Kafka source and keeps the record's Kafka
 * timestamp, from which the route measures the arrival delay. Emits exactly one {@link
 * ParsedRecord} per Kafka record, because the job counts every input record; never throws on data,
 * because one bad record must not stop detection for the whole fleet. Provenance is the topic,
 * partition and offset.
 */
public final class EcsEventDeserializer implements KafkaRecordDeserializationSchema<ParsedRecord> {

    private static final long serialVersionUID = 1L;

    static final String NO_VALUE = "record has no value";

    private final ParserSettings settings;

    /** The parser is not thread-safe and not serializable: one per source reader. */
    private transient EcsEventParser parser;

    /**
     * @param settings the record limit (larger values are dead-lettered as {@link
     *     DeadLetterReason#RECORD_TOO_LARGE}) and validation mode
     */
    public EcsEventDeserializer(ParserSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        parser = settings.newParser();
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ParsedRecord> out) {
        byte[] value = record.value();
        if (value == null) {
            // A tombstone carries no event; it is still a record the job must account for.
            DeadLetter letter =
                    new DeadLetter(
                            DeadLetterReason.NOT_JSON,
                            NO_VALUE,
                            new byte[0],
                            record.topic(),
                            record.partition(),
                            record.offset(),
                            System.currentTimeMillis());
            out.collect(
                    new ParsedRecord(
                            Outcome.MALFORMED,
                            ParsedRecord.NO_TIMESTAMP,
                            null,
                            letter,
                            record.topic(),
                            record.partition(),
                            record.offset()));
            return;
        }
        // The broker's or producer's time: what arrival delay and host clock offsets are measured
        // against. Negative means the record has none.
        long arrival = record.timestamp() >= 0 ? record.timestamp() : ParsedRecord.NO_TIMESTAMP;
        out.collect(
                parser().parse(
                                value,
                                record.topic(),
                                record.partition(),
                                record.offset(),
                                arrival));
    }

    private EcsEventParser parser() {
        if (parser == null) {
            parser = settings.newParser();
        }
        return parser;
    }

    @Override
    public TypeInformation<ParsedRecord> getProducedType() {
        return TypeInformation.of(ParsedRecord.class);
    }
}
