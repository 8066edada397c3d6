package io.sshdnetcon.elasticsearch;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: attempt n waits between half and all of {@code initial * 2^n},
 * capped at {@code max}. The jitter keeps many subtasks from hammering a recovering cluster in
 * step.
 */
final class RetryBackoff {

    private final long initialMillis;
    private final long maxMillis;
    private final DoubleSupplier random;

    RetryBackoff(ElasticsearchSinkConfig.Backoff backoff) {
        this(backoff, () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * @param random values in [0, 1)
     */
    RetryBackoff(ElasticsearchSinkConfig.Backoff backoff, DoubleSupplier random) {
        this.initialMillis = backoff.initial().toMillis();
        this.maxMillis = backoff.max().toMillis();
        this.random = random;
    }

    /**
     * @param attempt 0 for the first retry
     */
    long delayMillis(int attempt) {
        int doublings = Math.min(Math.max(attempt, 0), 30);
        long ceiling = Math.min(maxMillis, initialMillis << doublings);
        if (ceiling <= 0) {
            ceiling = maxMillis;
        }
        long half = ceiling / 2;
        return half + (long) (random.getAsDouble() * (ceiling - half));
    }
}
