package io.sshdnetcon.elasticsearch;

import co.elastic.clients.elasticsearch.core.BulkResponse;
import io.sshdnetcon.detect.AlertDocument;
import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.DeadLetterPublisher;
import io.sshdnetcon.event.DeadLetterPublisherFactory;
import io.sshdnetcon.event.DeadLetterReason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.util.function.ThrowingRunnable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends buffered alerts as bulk {@code create}s into the data stream, after making sure its index
 * template is installed. Flink's {@link AsyncSinkWriter} does the batching, in-flight limits,
 * request timeouts and checkpoint flushes; this class decides what each answer means:
 *
 * <ul>
 *   <li>2xx: stored. 409 on create: stored earlier (the id is deterministic), counted, success.
 *   <li>429, 5xx, rejected execution, unavailable shards: sent again after an exponential backoff
 *       with jitter.
 *   <li>The whole request failed (node down, timeout): all entries again after the backoff, for as
 *       long as the outage lasts. A checkpoint waits for the request, bounded by the request
 *       timeout; entries still buffered go into the checkpoint.
 *   <li>401, 403 or 404 on an item, or a closed or blocked index: the data stream itself is refused
 *       (privilege, write block), and every alert would get the same answer. The job fails naming
 *       it; nothing is dead-lettered, and the alerts are sent again after the restart (from the
 *       checkpoint and the source), once the cause is fixed.
 *   <li>Any other 4xx: Elasticsearch will never take the document. It is dead-lettered with the
 *       answer and the alert JSON, and counted.
 *   <li>413 on the whole request (a proxy's body limit): the alerts go back to the buffer and
 *       requests take at most half as many bytes from then on; an alert that alone gets 413 can
 *       never be sent and is dead-lettered.
 *   <li>A TLS failure, or another 4xx on the whole request: a configuration error; the job fails.
 * </ul>
 *
 * <p>Flink bounds the buffer by count ({@code es.batch.max-buffered-requests}); {@link #write} also
 * bounds it in bytes ({@code es.batch.max-buffered-bytes}) the way Flink enforces the count: by
 * sending until there is room, which back-pressures while Elasticsearch cannot take alerts.
 *
 * <p>Threads: the client answers on its I/O threads and the backoff waits on a one-thread
 * scheduler; every decision, metric and dead letter is made on the task (mailbox) thread.
 */
final class ElasticsearchAlertWriter extends AsyncSinkWriter<AlertDocument, BulkCreate> {

    private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchAlertWriter.class);

    private final ElasticsearchSinkConfig config;
    private final String dataStream;
    private final MailboxExecutor mailbox;
    private final AlertSinkMetrics metrics;
    private final RetryBackoff backoff;
    private final ElasticsearchConnection connection;
    private final DeadLetterPublisher deadLetters;
    private final ScheduledExecutorService retryTimer;
    private final AlertBuffer buffer;
    private final AlertBatches batches;

    /** Installation under way or done; replaced when it failed. Task thread only. */
    private CompletableFuture<Void> template;

    /**
     * Failed requests since the last fully successful one; drives the backoff. Task thread only.
     */
    private int consecutiveFailures;

    ElasticsearchAlertWriter(
            ElasticsearchSinkConfig config,
            DeadLetterPublisherFactory deadLetterPublishers,
            ElementConverter<AlertDocument, BulkCreate> converter,
            WriterInitContext context,
            AsyncSinkWriterConfiguration writerConfiguration,
            Collection<BufferedRequestState<BulkCreate>> restored)
            throws IOException {
        this(
                config,
                deadLetterPublishers,
                converter,
                context,
                writerConfiguration,
                restored,
                new AlertBatches(config.batching().maxBatchBytes()),
                new AlertBuffer());
    }

    // Our own buffer (to know its bytes) and batch creator (to shrink requests after a 413) go to
    // Flink's writer through its public constructor; this one keeps references to them.
    private ElasticsearchAlertWriter(
            ElasticsearchSinkConfig config,
            DeadLetterPublisherFactory deadLetterPublishers,
            ElementConverter<AlertDocument, BulkCreate> converter,
            WriterInitContext context,
            AsyncSinkWriterConfiguration writerConfiguration,
            Collection<BufferedRequestState<BulkCreate>> restored,
            AlertBatches batches,
            AlertBuffer buffer)
            throws IOException {
        super(
                converter,
                context,
                writerConfiguration,
                retarget(restored, config.dataStream()),
                batches,
                buffer);
        this.batches = batches;
        this.buffer = buffer;
        this.config = config;
        this.dataStream = config.dataStream();
        this.mailbox = context.getMailboxExecutor();
        this.metrics = new AlertSinkMetrics(context.metricGroup(), buffer::totalSizeInBytes);
        this.backoff = new RetryBackoff(config.retryBackoff());
        this.connection = ElasticsearchConnection.open(config);
        DeadLetterPublisher publisher;
        try {
            publisher = deadLetterPublishers.create(context.metricGroup());
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
        this.deadLetters = publisher;
        int subtask = context.getTaskInfo().getIndexOfThisSubtask();
        this.retryTimer =
                Executors.newSingleThreadScheduledExecutor(
                        runnable -> {
                            Thread thread =
                                    new Thread(runnable, "elasticsearch-alert-retry-" + subtask);
                            thread.setDaemon(true);
                            return thread;
                        });
        // Start installing now, so the template is usually in place before the first alert.
        templateReady();
    }

    /**
     * Alerts buffered by a run that wrote elsewhere go to this run's data stream: it is the one
     * whose template this writer guarantees, and writing without one would create a plain index.
     */
    private static Collection<BufferedRequestState<BulkCreate>> retarget(
            Collection<BufferedRequestState<BulkCreate>> states, String dataStream) {
        List<BufferedRequestState<BulkCreate>> result = new ArrayList<>(states.size());
        for (BufferedRequestState<BulkCreate> state : states) {
            List<RequestEntryWrapper<BulkCreate>> entries = new ArrayList<>();
            for (RequestEntryWrapper<BulkCreate> wrapper : state.getBufferedRequestEntries()) {
                BulkCreate entry = wrapper.getRequestEntry();
                if (!entry.index().equals(dataStream)) {
                    LOG.info(
                            "Restored alert {} was bound for {}; writing it to {}",
                            entry.id(),
                            entry.index(),
                            dataStream);
                    entry = entry.withIndex(dataStream);
                }
                entries.add(new RequestEntryWrapper<>(entry, entry.sizeInBytes()));
            }
            result.add(new BufferedRequestState<>(entries));
        }
        return result;
    }

    @Override
    public void write(AlertDocument alert, Context context)
            throws IOException, InterruptedException {
        long size = new BulkCreate(dataStream, alert.id(), alert.json()).sizeInBytes();
        if (size > config.batching().maxRecordBytes()) {
            // Flink would fail the job on an oversized entry; keep the alert instead.
            reject(
                    DeadLetterReason.RECORD_TOO_LARGE,
                    alert.json(),
                    "alert "
                            + alert.id()
                            + " is "
                            + size
                            + " bytes as a bulk action, over the"
                            + " maximum record size of "
                            + config.batching().maxRecordBytes());
            return;
        }
        // The byte bound, enforced like Flink's count bound: send until there is room. While
        // Elasticsearch is away this blocks, and back pressure reaches the source.
        long bound = config.batching().maxBufferedBytes();
        while (!buffer.isEmpty() && buffer.totalSizeInBytes() + size > bound) {
            super.flush(true);
        }
        super.write(alert, context);
    }

    @Override
    protected void submitRequestEntries(
            List<BulkCreate> entries, ResultHandler<BulkCreate> resultHandler) {
        CompletableFuture<BulkResponse> response;
        try {
            response = templateReady().thenCompose(installed -> connection.bulk(entries));
        } catch (RuntimeException e) {
            response = CompletableFuture.failedFuture(e);
        }
        response.whenComplete(
                (answer, failure) ->
                        onTaskThread(
                                () -> handle(entries, resultHandler, answer, failure),
                                "Elasticsearch answer to a bulk request"));
    }

    private CompletableFuture<Void> templateReady() {
        if (!config.template().install()) {
            return CompletableFuture.completedFuture(null);
        }
        if (template == null || template.isCompletedExceptionally()) {
            String name = AlertIndexTemplate.name(config);
            template =
                    connection
                            .putIndexTemplate(name, AlertIndexTemplate.body(config))
                            .thenCompose(
                                    installed ->
                                            connection.requireTemplateApplies(
                                                    name, config.dataStream()))
                            .whenComplete(
                                    (ok, failure) -> {
                                        if (failure == null) {
                                            LOG.info(
                                                    "Index template {} (version {}) is installed",
                                                    name,
                                                    AlertIndexTemplate.VERSION);
                                        } else {
                                            LOG.warn(
                                                    "{}; trying again before the next bulk request",
                                                    RequestFailures.unwrap(failure).getMessage());
                                        }
                                    });
        }
        return template;
    }

    private void handle(
            List<BulkCreate> entries,
            ResultHandler<BulkCreate> resultHandler,
            BulkResponse answer,
            Throwable failure) {
        if (failure != null) {
            handleRequestFailure(entries, resultHandler, failure);
            return;
        }
        BulkResult result;
        try {
            result = BulkResult.of(entries, answer);
        } catch (IllegalStateException e) {
            handleRequestFailure(entries, resultHandler, e);
            return;
        }
        metrics.indexed(result.indexed());
        metrics.alreadyIndexed(result.alreadyIndexed());
        if (!result.targetRefused().isEmpty()) {
            // Before any dead letter: the whole request comes back after the restart, and its
            // invalid alerts must not be dead-lettered twice.
            resultHandler.completeExceptionally(targetRefused(result, entries.size()));
            return;
        }
        try {
            for (BulkResult.Rejection rejection : result.rejected()) {
                BulkCreate entry = rejection.entry();
                reject(
                        DeadLetterReason.ELASTICSEARCH_REJECTED,
                        entry.source(),
                        "alert " + entry.id() + ": " + rejection.detail());
            }
        } catch (IOException e) {
            // The alert is neither stored nor dead-lettered: fail, and the source replays it.
            resultHandler.completeExceptionally(
                    new IOException("could not dead-letter an alert Elasticsearch rejected", e));
            return;
        }
        if (result.retry().isEmpty()) {
            consecutiveFailures = 0;
            resultHandler.complete();
        } else {
            metrics.retried(result.retry().size());
            retryLater(
                    resultHandler,
                    result.retry(),
                    result.retry().size()
                            + " of "
                            + entries.size()
                            + " alerts were not accepted now (429/5xx)");
        }
    }

    private ElasticsearchSinkException targetRefused(BulkResult result, int sent) {
        BulkResult.Rejection first = result.targetRefused().get(0);
        return new ElasticsearchSinkException(
                "Elasticsearch refuses writes to the data stream "
                        + dataStream
                        + ": "
                        + first.detail()
                        + " ("
                        + result.targetRefused().size()
                        + " of "
                        + sent
                        + " alerts of the request got such an answer). The data stream or the"
                        + " sink's privileges are at fault, not the alerts: none is"
                        + " dead-lettered, and they are sent again when the job restarts from its"
                        + " last checkpoint. Fix the cause (privileges, index.blocks.write, a"
                        + " closed or deleted backing index).",
                null);
    }

    private void handleRequestFailure(
            List<BulkCreate> entries, ResultHandler<BulkCreate> resultHandler, Throwable failure) {
        Throwable cause = RequestFailures.unwrap(failure);
        if (!(cause instanceof TemplateInstallException) && RequestFailures.status(cause) == 413) {
            handleTooLarge(entries, resultHandler, cause);
            return;
        }
        if (RequestFailures.isTlsFailure(cause)) {
            resultHandler.completeExceptionally(
                    new ElasticsearchSinkException(
                            "TLS with Elasticsearch failed, which no retry can fix (check"
                                    + " es.hosts, es.ca-certificate-file or es.ca-fingerprint): "
                                    + RequestFailures.describe(cause),
                            cause));
            return;
        }
        if (!RequestFailures.isRetryable(cause)) {
            resultHandler.completeExceptionally(
                    new ElasticsearchSinkException(
                            "Elasticsearch refused the sink's request, which no retry can fix: "
                                    + RequestFailures.describe(cause),
                            cause));
            return;
        }
        metrics.retried(entries.size());
        retryLater(
                resultHandler,
                entries,
                "a bulk request of "
                        + entries.size()
                        + " alerts failed: "
                        + RequestFailures.describe(cause));
    }

    /**
     * A proxy or Elasticsearch refused the request body as too large. Smaller requests may pass:
     * the alerts go back to the buffer at once and later requests take at most half the bytes. An
     * alert that is too large on its own can never be sent: dead-lettered with the answer.
     */
    private void handleTooLarge(
            List<BulkCreate> entries, ResultHandler<BulkCreate> resultHandler, Throwable cause) {
        long bytes = 0;
        for (BulkCreate entry : entries) {
            bytes += entry.sizeInBytes();
        }
        String answer = RequestFailures.describe(cause);
        if (entries.size() == 1) {
            BulkCreate entry = entries.get(0);
            try {
                reject(
                        DeadLetterReason.ELASTICSEARCH_REJECTED,
                        entry.source(),
                        "alert "
                                + entry.id()
                                + ": 413, the alert alone ("
                                + bytes
                                + " bytes as a bulk action) is larger than the server accepts: "
                                + answer);
            } catch (IOException e) {
                resultHandler.completeExceptionally(
                        new IOException("could not dead-letter an alert too large to send", e));
                return;
            }
            resultHandler.complete();
            return;
        }
        batches.tooLarge(bytes);
        LOG.warn(
                "A bulk request of {} alerts ({} bytes) was too large (413: {}); sending them again"
                        + " in requests of at most {} bytes",
                entries.size(),
                bytes,
                answer,
                batches.maxRequestBytes());
        metrics.retried(entries.size());
        resultHandler.retryForEntries(entries);
    }

    private void retryLater(
            ResultHandler<BulkCreate> resultHandler, List<BulkCreate> entries, String why) {
        long delay = backoff.delayMillis(consecutiveFailures);
        consecutiveFailures =
                consecutiveFailures == Integer.MAX_VALUE
                        ? consecutiveFailures
                        : consecutiveFailures + 1;
        LOG.warn("{} (failure {} in a row); retrying in {} ms", why, consecutiveFailures, delay);
        try {
            // The handler is thread-safe; it moves the entries back to the head of the buffer.
            retryTimer.schedule(
                    () -> resultHandler.retryForEntries(entries), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // The writer is closing; the entries are in the last checkpoint or will be replayed.
            LOG.debug("Not retrying {} alerts: the writer is closing", entries.size());
        }
    }

    private void reject(DeadLetterReason reason, byte[] alertJson, String detail)
            throws IOException {
        LOG.warn("Dead-lettering ({}) {}", reason.code(), detail);
        deadLetters.publish(
                new DeadLetter(
                        reason, detail, alertJson, dataStream, -1, -1, System.currentTimeMillis()));
        metrics.rejected();
    }

    /** Dead letters are durable before the checkpoint that no longer holds their alerts. */
    @Override
    public void flush(boolean endOfInput) throws InterruptedException {
        super.flush(endOfInput);
        try {
            deadLetters.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("could not flush the sink's dead letters", e);
        }
    }

    @Override
    protected long getSizeInBytes(BulkCreate entry) {
        return entry.sizeInBytes();
    }

    private void onTaskThread(ThrowingRunnable<? extends Exception> action, String description) {
        try {
            mailbox.execute(action, description);
        } catch (RejectedExecutionException closing) {
            LOG.debug("Dropping '{}': the writer is closing", description);
        }
    }

    @Override
    public void close() {
        retryTimer.shutdownNow();
        Exception failure = null;
        try {
            connection.close();
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
        try {
            deadLetters.close();
        } catch (IOException | RuntimeException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        super.close();
        if (failure != null) {
            throw new IllegalStateException(
                    "could not close the Elasticsearch sink cleanly", failure);
        }
    }
}
