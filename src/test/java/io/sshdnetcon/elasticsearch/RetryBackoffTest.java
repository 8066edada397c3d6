package io.sshdnetcon.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {

    private static final ElasticsearchSinkConfig.Backoff BACKOFF =
            new ElasticsearchSinkConfig.Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

    @Test
    void doublesFromInitialWithinHalfToFullJitter() {
        RetryBackoff low = new RetryBackoff(BACKOFF, () -> 0.0);
        RetryBackoff high = new RetryBackoff(BACKOFF, () -> 0.999_999);
        assertThat(low.delayMillis(0)).isEqualTo(50);
        assertThat(high.delayMillis(0)).isEqualTo(99);
        assertThat(low.delayMillis(1)).isEqualTo(100);
        assertThat(low.delayMillis(3)).isEqualTo(400);
    }

    @Test
    void isCappedAtTheMaximumForever() {
        RetryBackoff high = new RetryBackoff(BACKOFF, () -> 0.999_999);
        assertThat(high.delayMillis(6)).isEqualTo(4999);
        assertThat(high.delayMillis(62)).isEqualTo(4999);
        assertThat(high.delayMillis(Integer.MAX_VALUE)).isEqualTo(4999);
    }
}
