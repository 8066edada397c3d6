package io.sshdnetcon.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.sshdnetcon.metrics.MetricNames;
import io.sshdnetcon.metrics.ReadWindow;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobSummaryTest {

    @Test
    void theReadingRateCountsOnlyTheWindowInWhichTheSourcesRead() {
        JobSummary summary =
                JobSummary.from(
                        Map.of(
                                MetricNames.EVENTS_IN, 300_000L,
                                MetricNames.EVENTS_SKIPPED, 200_000L,
                                ReadWindow.FIRST_RECORD_AT_MS, 10_000L,
                                ReadWindow.LAST_RECORD_AT_MS, 12_500L),
                        Duration.ofSeconds(10));

        assertThat(summary.eventsPerSecond()).isEqualTo(30_000);
        assertThat(summary.readingEventsPerSecond()).isEqualTo(120_000);
        assertThat(summary.line("replay"))
                .startsWith("replay: read=300000 parsed=0 skipped=200000 malformed=0 ")
                .endsWith(
                        " elapsed_ms=10000 events_per_s=30000 reading_ms=2500"
                                + " reading_events_per_s=120000");
    }

    @Test
    void withoutAReadingWindowTheReadingTimeIsZero() {
        JobSummary summary = JobSummary.from(Map.of(), Duration.ofSeconds(1));

        assertThat(summary.reading()).isZero();
        assertThat(summary.line("replay")).endsWith(" reading_ms=0 reading_events_per_s=0");
    }
}
