package io.sshdnetcon.kafka;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.DeadLetterPublisher;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Map;
import org.apache.flink.metrics.MetricGroup;

/**
 * Publishes dead letters straight to the dead-letter topic, for code that cannot use a side output
 * (a sink writer that learns from Elasticsearch that a document is invalid). Records look exactly
 * like those of {@link BufferedDeadLetterSink}: both use {@link DeadLetterRecords}.
 *
 * <p>Letters go through a bounded {@link DeadLetterBuffer}, so {@link #publish} never waits for
 * Kafka. {@link #flush()} waits until they are acknowledged by all in-sync replicas, but only while
 * the topic takes records and at most the flush timeout: during an outage it returns at once and
 * the letters stay buffered. They are then in no checkpoint (the caller's checkpoint no longer
 * holds their alerts), so a failure of the job before the topic returns loses them; the log says
 * how many were buffered.
 */
public final class KafkaDeadLetterPublisher implements DeadLetterPublisher {

    private final DeadLetterBuffer buffer;

    /**
     * @param clientConfig bootstrap servers and extra client settings (for example {@link
     *     KafkaOptions.Settings#clientConfig()})
     */
    public KafkaDeadLetterPublisher(
            Map<String, String> clientConfig,
            DeadLetterRecords records,
            DeadLetterBuffer.Limits limits,
            String owner) {
        this.buffer = new DeadLetterBuffer(clientConfig, records, limits, owner);
    }

    /** Exposes the buffer's metrics ({@code dead_letters_*}) in {@code group}. */
    public void registerMetrics(MetricGroup group) {
        buffer.registerMetrics(group);
    }

    /** Never blocks; a letter beyond the buffer's bounds is dropped and counted. */
    @Override
    public void publish(DeadLetter letter) {
        buffer.offer(letter);
    }

    @Override
    public void flush() throws IOException {
        try {
            buffer.flush(true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(
                    "interrupted while flushing dead letters to " + buffer.topic());
        }
    }

    /** Letters not yet acknowledged (also the {@code dead_letters_buffered} gauge). */
    public int buffered() {
        return buffer.buffered();
    }

    /** Letters given up so far (also the {@code dead_letters_dropped} counter). */
    public long dropped() {
        return buffer.dropped();
    }

    @Override
    public void close() {
        buffer.close();
    }
}
