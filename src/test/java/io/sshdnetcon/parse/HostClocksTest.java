package io.sshdnetcon.parse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-task host table: the offset spread it publishes, and forgetting quiet hosts. */
class HostClocksTest {

    private static void offset(HostClocks clocks, String host, long offsetMs) {
        HostClocks.Clock clock = clocks.touch(host, Long.MIN_VALUE);
        clock.offsetMs = offsetMs;
        clock.hasOffset = true;
    }

    @Test
    void theSpreadCountsHostsAheadAndBehindPastEachThresholdAndTheLargestOffset() {
        HostClocks clocks = new HostClocks(3_600_000);
        offset(clocks, "on-time", -150);
        offset(clocks, "one-minute-ahead", HostClocks.ONE_MINUTE_MS);
        offset(clocks, "ahead", HostClocks.ONE_MINUTE_MS + 1);
        offset(clocks, "far-ahead", HostClocks.ONE_HOUR_MS + 1);
        offset(clocks, "behind", -(HostClocks.ONE_MINUTE_MS + 1));
        offset(clocks, "far-behind", -(2 * HostClocks.ONE_HOUR_MS));
        clocks.touch("no-arrival-time", Long.MIN_VALUE);
        assertThat(clocks.spread()).isEqualTo(HostClocks.Spread.NONE);

        clocks.summarise();

        assertThat(clocks.spread())
                .isEqualTo(new HostClocks.Spread(6, 2, 1, 2, 1, 2 * HostClocks.ONE_HOUR_MS));
    }

    @Test
    void aHostNotHeardFromForAWholeRetentionPeriodIsForgotten() {
        HostClocks clocks = new HostClocks(1_000);
        clocks.touch("quiet", Long.MIN_VALUE);
        clocks.touch("busy", Long.MIN_VALUE);
        clocks.sweep(); // both heard from in the period that ends here
        assertThat(clocks.size()).isEqualTo(2);

        clocks.touch("busy", Long.MIN_VALUE);
        clocks.sweep();

        assertThat(clocks.size()).isEqualTo(1);
        HostClocks.Clock busy = clocks.touch("busy", Long.MIN_VALUE);
        HostClocks.Clock quiet = clocks.touch("quiet", 42);
        assertThat(busy.awaitedUntil).isEqualTo(Long.MIN_VALUE);
        assertThat(quiet.awaitedUntil).as("a new clock").isEqualTo(42);
    }
}
