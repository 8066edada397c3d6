package io.sshdnetcon.elasticsearch;

import org.apache.flink.connector.base.sink.writer.strategy.RateLimitingStrategy;
import org.apache.flink.connector.base.sink.writer.strategy.RequestInfo;
import org.apache.flink.connector.base.sink.writer.strategy.ResultInfo;

/**
 * How many bulk requests may be under way: {@code maxInFlightRequests} while Elasticsearch takes
 * everything, one (a probe) from the first request that comes back with alerts to retry until a
 * request succeeds in full. Batches keep {@code maxBatchSize}.
 *
 * <p>This is what lets checkpoints complete during an outage. Flink's writer flushes before a
 * checkpoint by waiting until no request is under way; a failed request stays under way through its
 * backoff. Flink's default (AIMD) halves the batch after each failure, so in an outage it drops to
 * one alert and any buffered alert is sent the moment a retry comes back; and with two requests
 * allowed, one is always waiting out its backoff while the other is sent. Either way no
 * request-free moment is left. With one probe and a steady batch size, the writer is idle between
 * the probe's return and its next timer, and the checkpoint goes through with the pending alerts in
 * its state, as long as fewer than {@code maxBatchSize} are pending.
 */
final class InFlightLimit implements RateLimitingStrategy {

    private final int maxInFlightRequests;
    private final int maxBatchSize;
    private int inFlightRequests;
    private boolean probing;

    InFlightLimit(int maxInFlightRequests, int maxBatchSize) {
        this.maxInFlightRequests = maxInFlightRequests;
        this.maxBatchSize = maxBatchSize;
    }

    @Override
    public void registerInFlightRequest(RequestInfo requestInfo) {
        inFlightRequests++;
    }

    @Override
    public void registerCompletedRequest(ResultInfo resultInfo) {
        inFlightRequests--;
        // Failed messages are the ones handed back for a retry (or a timed-out request's batch).
        probing = resultInfo.getFailedMessages() > 0;
    }

    @Override
    public boolean shouldBlock(RequestInfo requestInfo) {
        return inFlightRequests >= (probing ? 1 : maxInFlightRequests);
    }

    @Override
    public int getMaxBatchSize() {
        return maxBatchSize;
    }

    boolean probing() {
        return probing;
    }
}
