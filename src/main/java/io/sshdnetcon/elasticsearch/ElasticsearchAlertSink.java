package io.sshdnetcon.elasticsearch;

import io.sshdnetcon.detect.AlertDocument;
import io.sshdnetcon.event.DeadLetterPublisherFactory;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Writes alert documents into the Elasticsearch data stream {@code logs-<dataset>-<namespace>}, at
 * least once and without duplicates: each alert is a bulk {@code create} with its deterministic id,
 * so a re-send after a failure or a restart is answered 409 and counted as done. Alerts still
 * buffered at a checkpoint are part of it ({@link BulkCreateStateSerializer}). Alerts Elasticsearch
 * refuses go to the dead-letter publisher. See {@link ElasticsearchAlertWriter} for the rules.
 *
 * <pre>{@code
 * alerts.sinkTo(ElasticsearchAlertSink.create(config, deadLetterPublishers))
 *       .uid(Uids.ALERTS_SINK).name("Alerts"); // "alerts-sink", as DetectorJob sets it
 * }</pre>
 */
public final class ElasticsearchAlertSink extends AsyncSinkBase<AlertDocument, BulkCreate> {

    private static final long serialVersionUID = 1L;

    private final ElasticsearchSinkConfig config;
    private final DeadLetterPublisherFactory deadLetterPublishers;

    private ElasticsearchAlertSink(
            ElasticsearchSinkConfig config, DeadLetterPublisherFactory deadLetterPublishers) {
        super(
                new ToBulkCreate(config.dataStream()),
                config.batching().maxBatchSize(),
                config.batching().maxInFlightRequests(),
                config.batching().maxBufferedRequests(),
                config.batching().maxBatchBytes(),
                config.batching().maxTimeInBuffer().toMillis(),
                config.batching().maxRecordBytes(),
                config.timeouts().request().toMillis(),
                // A request whose time is up is sent again, never a reason to fail the job.
                false);
        this.config = config;
        this.deadLetterPublishers = deadLetterPublishers;
    }

    /**
     * @param config validated by its constructor
     * @param deadLetterPublishers creates, in each subtask, where refused alerts go
     */
    public static ElasticsearchAlertSink create(
            ElasticsearchSinkConfig config, DeadLetterPublisherFactory deadLetterPublishers) {
        return new ElasticsearchAlertSink(
                Objects.requireNonNull(config, "config"),
                Objects.requireNonNull(deadLetterPublishers, "deadLetterPublishers"));
    }

    @Override
    public StatefulSinkWriter<AlertDocument, BufferedRequestState<BulkCreate>> createWriter(
            WriterInitContext context) throws IOException {
        return restoreWriter(context, List.of());
    }

    @Override
    public StatefulSinkWriter<AlertDocument, BufferedRequestState<BulkCreate>> restoreWriter(
            WriterInitContext context, Collection<BufferedRequestState<BulkCreate>> recoveredState)
            throws IOException {
        return new ElasticsearchAlertWriter(
                config,
                deadLetterPublishers,
                getElementConverter(),
                context,
                writerConfiguration(),
                recoveredState);
    }

    @Override
    public SimpleVersionedSerializer<BufferedRequestState<BulkCreate>> getWriterStateSerializer() {
        return new BulkCreateStateSerializer();
    }

    private AsyncSinkWriterConfiguration writerConfiguration() {
        return AsyncSinkWriterConfiguration.builder()
                .setMaxBatchSize(getMaxBatchSize())
                .setMaxBatchSizeInBytes(getMaxBatchSizeInBytes())
                .setMaxInFlightRequests(getMaxInFlightRequests())
                .setMaxBufferedRequests(getMaxBufferedRequests())
                .setMaxTimeInBufferMS(getMaxTimeInBufferMS())
                .setMaxRecordSizeInBytes(getMaxRecordSizeInBytes())
                .setRequestTimeoutMS(getRequestTimeoutMS())
                .setFailOnTimeout(getFailOnTimeout())
                .setRateLimitingStrategy(
                        new InFlightLimit(getMaxInFlightRequests(), getMaxBatchSize()))
                .build();
    }

    /** The alert's bytes become the document as they are: serialized once, upstream. */
    private record ToBulkCreate(String dataStream)
            implements ElementConverter<AlertDocument, BulkCreate> {
        @Override
        public BulkCreate apply(AlertDocument alert, SinkWriter.Context context) {
            return new BulkCreate(dataStream, alert.id(), alert.json());
        }
    }
}
