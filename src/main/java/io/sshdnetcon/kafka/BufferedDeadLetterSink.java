package io.sshdnetcon.kafka;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.metrics.JobCounter;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Dead letters to the dead-letter topic through a bounded {@link DeadLetterBuffer}: writing never
 * waits for Kafka, so an unavailable topic does not stop detection. Letters not yet acknowledged
 * are part of every checkpoint ({@link PendingDeadLettersSerializer}) and are sent again after a
 * restore: at least once, like a Kafka sink with {@code AT_LEAST_ONCE}, but without blocking the
 * checkpoint on the topic.
 *
 * <p>It has a committer that never receives anything: release 0.1.0 used Flink's {@code KafkaSink}
 * here, whose committer operator ({@code Sink Committer: <uid>}) has state in its savepoints, and a
 * savepoint restores only if every operator with state still exists.
 */
public final class BufferedDeadLetterSink
        implements Sink<DeadLetter>,
                SupportsWriterState<DeadLetter, PendingDeadLetters>,
                SupportsCommitter<BufferedDeadLetterSink.NoCommittable> {

    private static final long serialVersionUID = 1L;

    private final Map<String, String> clientConfig;
    private final DeadLetterRecords records;
    private final DeadLetterBuffer.Limits limits;

    /**
     * @param clientConfig bootstrap servers and extra client settings; with secrets in them, use
     *     config-provider placeholders, since this travels in the job graph
     */
    public BufferedDeadLetterSink(
            Map<String, String> clientConfig,
            DeadLetterRecords records,
            DeadLetterBuffer.Limits limits) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.records = records;
        this.limits = limits;
    }

    @Override
    public SinkWriter<DeadLetter> createWriter(WriterInitContext context) throws IOException {
        return restoreWriter(context, List.of());
    }

    @Override
    public StatefulSinkWriter<DeadLetter, PendingDeadLetters> restoreWriter(
            WriterInitContext context, Collection<PendingDeadLetters> states) {
        String owner =
                "dead letters to "
                        + records.topic()
                        + " ("
                        + context.getTaskInfo().getTaskNameWithSubtasks()
                        + ")";
        DeadLetterBuffer buffer = new DeadLetterBuffer(clientConfig, records, limits, owner);
        for (PendingDeadLetters state : states) {
            buffer.restore(state.letters());
        }
        buffer.registerMetrics(context.metricGroup().addGroup(JobCounter.GROUP));
        return new Writer(buffer);
    }

    @Override
    public SimpleVersionedSerializer<PendingDeadLetters> getWriterStateSerializer() {
        return new PendingDeadLettersSerializer();
    }

    @Override
    public Committer<NoCommittable> createCommitter(CommitterInitContext context) {
        return new NoCommitter();
    }

    @Override
    public SimpleVersionedSerializer<NoCommittable> getCommittableSerializer() {
        return new NoCommittableSerializer();
    }

    @Override
    public String toString() {
        return "BufferedDeadLetterSink{"
                + records
                + ", "
                + limits
                + ", "
                + ClientProperties.describe(clientConfig)
                + "}";
    }

    /** Nothing to commit: letters are sent by the writer. See the class comment. */
    public enum NoCommittable {
        NONE
    }

    private static final class Writer
            implements StatefulSinkWriter<DeadLetter, PendingDeadLetters>,
                    org.apache.flink.api.connector.sink2.CommittingSinkWriter<
                            DeadLetter, NoCommittable> {

        private final DeadLetterBuffer buffer;

        Writer(DeadLetterBuffer buffer) {
            this.buffer = buffer;
        }

        @Override
        public void write(DeadLetter letter, Context context) {
            buffer.offer(letter);
        }

        /**
         * Before a checkpoint nothing needs to wait: the letters not yet acknowledged go into it.
         * At the end of a bounded input they are given the flush timeout, then dropped and counted.
         */
        @Override
        public void flush(boolean endOfInput) throws InterruptedException {
            if (endOfInput && buffer.flush(false) > 0) {
                buffer.discardPending("the input ended and the flush timeout passed");
            }
        }

        @Override
        public List<PendingDeadLetters> snapshotState(long checkpointId) {
            return List.of(new PendingDeadLetters(buffer.snapshot()));
        }

        @Override
        public Collection<NoCommittable> prepareCommit() {
            return List.of();
        }

        @Override
        public void close() {
            buffer.close();
        }
    }

    private static final class NoCommitter implements Committer<NoCommittable> {
        @Override
        public void commit(Collection<CommitRequest<NoCommittable>> requests) {
            requests.forEach(CommitRequest::signalAlreadyCommitted);
        }

        @Override
        public void close() {}
    }

    /**
     * Version 2, so it is told apart from the connector's {@code KafkaCommittableSerializer}
     * (version 1), whose committables only a transactional sink writes; 0.1.0 wrote none.
     */
    private static final class NoCommittableSerializer
            implements SimpleVersionedSerializer<NoCommittable> {
        @Override
        public int getVersion() {
            return 2;
        }

        @Override
        public byte[] serialize(NoCommittable committable) {
            return new byte[0];
        }

        @Override
        public NoCommittable deserialize(int version, byte[] serialized) throws IOException {
            if (version != 2) {
                throw new IOException(
                        "a committable of a transactional Kafka sink (version "
                                + version
                                + "); the dead-letter sink never wrote transactions");
            }
            return NoCommittable.NONE;
        }
    }
}
