package io.sshdnetcon.kafka;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.sink.DeadLetterPublisher;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;

/**
 * Publishes dead letters straight to the dead-letter topic, for code that cannot use a side output
 * (a sink writer that learns from Elasticsearch that a document is invalid). Records look exactly
 * like those of {@link DeadLetterRecordSerializer}.
 *
 * <p>Sends are asynchronous; {@link #flush()} blocks until every record published so far is
 * acknowledged by all in-sync replicas, and reports the first failure. The producer is idempotent,
 * so its own retries never duplicate a record.
 */
public final class KafkaDeadLetterPublisher implements DeadLetterPublisher {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaProducer<byte[], byte[]> producer;
    private final DeadLetterRecords records;
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

    /**
     * @param clientConfig bootstrap servers and extra client settings (for example {@link
     *     KafkaOptions.Settings#clientConfig()})
     */
    public KafkaDeadLetterPublisher(Map<String, String> clientConfig, DeadLetterRecords records) {
        this.producer = new KafkaProducer<>(ClientProperties.durableProducer(clientConfig));
        this.records = records;
    }

    @Override
    public void publish(DeadLetter letter) throws IOException {
        throwIfFailed();
        try {
            producer.send(
                    records.toRecord(letter),
                    (metadata, error) -> {
                        if (error != null) {
                            firstFailure.compareAndSet(null, error);
                        }
                    });
        } catch (KafkaException e) {
            throw new IOException("cannot send a dead letter to " + records.topic() + ": " + e, e);
        }
    }

    @Override
    public void flush() throws IOException {
        try {
            producer.flush();
        } catch (KafkaException e) {
            throw new IOException("cannot flush dead letters to " + records.topic() + ": " + e, e);
        }
        throwIfFailed();
    }

    @Override
    public void close() throws IOException {
        try {
            producer.close(CLOSE_TIMEOUT);
        } catch (KafkaException e) {
            throw new IOException("cannot close the dead-letter producer: " + e, e);
        }
        throwIfFailed();
    }

    private void throwIfFailed() throws IOException {
        Exception failure = firstFailure.get();
        if (failure != null) {
            throw new IOException(
                    "a dead letter could not be written to " + records.topic() + ": " + failure,
                    failure);
        }
    }
}
