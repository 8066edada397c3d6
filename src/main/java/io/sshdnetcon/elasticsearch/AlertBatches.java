package io.sshdnetcon.elasticsearch;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.connector.base.sink.writer.Batch;
import org.apache.flink.connector.base.sink.writer.BatchCreator;
import org.apache.flink.connector.base.sink.writer.RequestBuffer;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
import org.apache.flink.connector.base.sink.writer.strategy.RequestInfo;

/**
 * Takes the next bulk request from the head of the buffer: up to the batch size the rate limiter
 * allows and up to a byte limit, which starts at {@code es.batch.max-bytes} and is lowered when a
 * server answers 413 (a proxy's {@code client_max_body_size}, Elasticsearch's {@code
 * http.max_content_length}). The lowered limit stays for the writer's life, so one 413 does not
 * cost a failed request per batch afterwards; a restart starts from the configured limit again. A
 * request always takes at least one alert, so an alert larger than the limit is sent alone, and
 * only its own 413 proves it can never be sent. Task thread only.
 */
final class AlertBatches implements BatchCreator<BulkCreate> {

    private long maxRequestBytes;

    AlertBatches(long maxRequestBytes) {
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    public Batch<BulkCreate> createNextBatch(
            RequestInfo requestInfo, RequestBuffer<BulkCreate> buffer) {
        List<BulkCreate> batch = new ArrayList<>(Math.min(requestInfo.getBatchSize(), 1024));
        long bytes = 0;
        while (batch.size() < requestInfo.getBatchSize() && !buffer.isEmpty()) {
            RequestEntryWrapper<BulkCreate> next = buffer.peek();
            if (!batch.isEmpty() && bytes + next.getSize() > maxRequestBytes) {
                break;
            }
            buffer.poll();
            batch.add(next.getRequestEntry());
            bytes += next.getSize();
        }
        return new Batch<>(batch, bytes);
    }

    /** A request of {@code bytes} was too large: from now on, requests take at most half. */
    void tooLarge(long bytes) {
        maxRequestBytes = Math.max(1, Math.min(maxRequestBytes, bytes / 2));
    }

    long maxRequestBytes() {
        return maxRequestBytes;
    }
}
