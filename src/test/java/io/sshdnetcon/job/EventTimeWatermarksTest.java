package io.sshdnetcon.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.sshdnetcon.event.Outcome;
import io.sshdnetcon.event.ParsedRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class EventTimeWatermarksTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private long now;
    private final Output output = new Output();
    private final EventTimeWatermarks.BoundedWithIdleFlush generator =
            new EventTimeWatermarks.BoundedWithIdleFlush(1000, 30 * SECOND, () -> now);

    private void event(long timestamp) {
        generator.onEvent(
                new ParsedRecord(Outcome.IRRELEVANT, timestamp, null, null, "t", 0, 0),
                timestamp,
                output);
    }

    private void malformed() {
        generator.onEvent(
                new ParsedRecord(
                        Outcome.MALFORMED, ParsedRecord.NO_TIMESTAMP, null, null, "t", 0, 0),
                ParsedRecord.NO_TIMESTAMP,
                output);
    }

    @Test
    void trailsTheNewestEventTimeByTheBoundWhileEventsFlow() {
        event(10_000);
        event(9_000);
        malformed();
        generator.onPeriodicEmit(output);
        assertThat(output.watermarks).containsExactly(8_999L);
        assertThat(output.idle).isFalse();
    }

    @Test
    void aSilentPartitionFlushesToItsNewestEventThenGoesIdleOnTheNextTick() {
        event(10_000);
        now += 29 * SECOND;
        generator.onPeriodicEmit(output);
        now += SECOND;
        generator.onPeriodicEmit(output);
        // Still active in the flushing tick, or the source would leave the flush out.
        assertThat(output.idle).isFalse();
        generator.onPeriodicEmit(output);
        generator.onPeriodicEmit(output);

        assertThat(output.watermarks).containsExactly(8_999L, 10_000L);
        assertThat(output.idle).isTrue();
    }

    @Test
    void aPartitionThatNeverSawAnEventOnlyGoesIdle() {
        now += 31 * SECOND;
        generator.onPeriodicEmit(output);
        assertThat(output.watermarks).isEmpty();
        assertThat(output.idle).isTrue();
    }

    @Test
    void eventsAfterASilenceResumeNormalWatermarks() {
        event(10_000);
        now += 31 * SECOND;
        generator.onPeriodicEmit(output);
        generator.onPeriodicEmit(output);
        event(20_000);
        generator.onPeriodicEmit(output);
        assertThat(output.watermarks).containsExactly(10_000L, 18_999L);
    }

    @Test
    void replayEmitsAfterEveryEventThatAdvancesTime() {
        var perEvent =
                EventTimeWatermarks.perEvent(java.time.Duration.ofMillis(1000))
                        .createWatermarkGenerator(null);
        for (long t : new long[] {5000, 4000, 5000, 6000}) {
            perEvent.onEvent(
                    new ParsedRecord(Outcome.IRRELEVANT, t, null, null, "t", -1, 0), t, output);
        }
        assertThat(output.watermarks).containsExactly(3999L, 4999L);
    }

    private static final class Output implements WatermarkOutput {
        final List<Long> watermarks = new ArrayList<>();
        boolean idle;

        @Override
        public void emitWatermark(Watermark watermark) {
            watermarks.add(watermark.getTimestamp());
            idle = false;
        }

        @Override
        public void markIdle() {
            idle = true;
        }

        @Override
        public void markActive() {
            idle = false;
        }
    }
}
