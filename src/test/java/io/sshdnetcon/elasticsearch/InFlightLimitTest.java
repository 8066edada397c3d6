package io.sshdnetcon.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.connector.base.sink.writer.strategy.BasicRequestInfo;
import org.apache.flink.connector.base.sink.writer.strategy.BasicResultInfo;
import org.junit.jupiter.api.Test;

class InFlightLimitTest {

    private static final BasicRequestInfo BATCH = new BasicRequestInfo(10);

    @Test
    void allowsTheConfiguredRequestsWhileAllGoesWell() {
        InFlightLimit limit = new InFlightLimit(2, 500);
        assertThat(limit.shouldBlock(BATCH)).isFalse();
        limit.registerInFlightRequest(BATCH);
        assertThat(limit.shouldBlock(BATCH)).isFalse();
        limit.registerInFlightRequest(BATCH);
        assertThat(limit.shouldBlock(BATCH)).isTrue();
        limit.registerCompletedRequest(new BasicResultInfo(0, 10));
        assertThat(limit.shouldBlock(BATCH)).isFalse();
    }

    @Test
    void sendsOneProbeAtATimeFromAFailureUntilASuccess() {
        InFlightLimit limit = new InFlightLimit(2, 500);
        limit.registerInFlightRequest(BATCH);
        limit.registerInFlightRequest(BATCH);
        limit.registerCompletedRequest(new BasicResultInfo(10, 10));
        assertThat(limit.probing()).isTrue();
        assertThat(limit.shouldBlock(BATCH)).as("one still under way").isTrue();
        limit.registerCompletedRequest(new BasicResultInfo(3, 10));
        assertThat(limit.shouldBlock(BATCH)).isFalse();
        limit.registerInFlightRequest(BATCH);
        assertThat(limit.shouldBlock(BATCH)).isTrue();
        limit.registerCompletedRequest(new BasicResultInfo(0, 10));
        assertThat(limit.probing()).isFalse();
        limit.registerInFlightRequest(BATCH);
        assertThat(limit.shouldBlock(BATCH)).isFalse();
    }

    @Test
    void batchSizeNeverShrinks() {
        InFlightLimit limit = new InFlightLimit(2, 500);
        limit.registerInFlightRequest(BATCH);
        limit.registerCompletedRequest(new BasicResultInfo(10, 10));
        assertThat(limit.getMaxBatchSize()).isEqualTo(500);
    }
}
