package io.sshdnetcon.source;

import io.sshdnetcon.event.ParsedRecord;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Watermark strategies for parsed events. Every event with a valid {@code @timestamp} advances
 * event time, relevant or not; malformed records carry no time and do not.
 */
public final class EventTimeWatermarks {

    private EventTimeWatermarks() {}

    /**
     * For live sources: bounded out-of-orderness, emitted periodically ({@code
     * pipeline.auto-watermark-interval}), with idleness so a quiet Kafka partition does not hold
     * back event time for the others.
     */
    public static WatermarkStrategy<ParsedRecord> periodic(
            Duration maxOutOfOrderness, Duration idleness) {
        return WatermarkStrategy.<ParsedRecord>forBoundedOutOfOrderness(maxOutOfOrderness)
                .withTimestampAssigner((record, previous) -> record.timestamp())
                .withIdleness(idleness);
    }

    /**
     * For replay: the same bound, but a watermark after every event that advances it. Which events
     * are late then depends only on the input order, never on wall-clock timing, so a replay is
     * repeatable: an event is late iff its time is at or below (latest earlier time - bound - 1).
     */
    public static WatermarkStrategy<ParsedRecord> perEvent(Duration maxOutOfOrderness) {
        long bound = maxOutOfOrderness.toMillis();
        return WatermarkStrategy.<ParsedRecord>forGenerator(ctx -> new PerEvent(bound))
                .withTimestampAssigner((record, previous) -> record.timestamp());
    }

    /** For control streams that must never hold back the event-time of the stream they join. */
    public static <T> WatermarkStrategy<T> alwaysMax() {
        return WatermarkStrategy.forGenerator(ctx -> new AlwaysMax<>());
    }

    private static final class PerEvent implements WatermarkGenerator<ParsedRecord> {
        private final long bound;
        private long maxTimestamp = Long.MIN_VALUE;
        private long emitted = Long.MIN_VALUE;

        PerEvent(long bound) {
            this.bound = bound;
        }

        @Override
        public void onEvent(ParsedRecord record, long timestamp, WatermarkOutput output) {
            if (!record.hasTimestamp() || timestamp <= maxTimestamp) {
                return;
            }
            maxTimestamp = timestamp;
            long watermark = timestamp - bound - 1;
            if (watermark > emitted) {
                emitted = watermark;
                output.emitWatermark(new Watermark(watermark));
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {}
    }

    private static final class AlwaysMax<T> implements WatermarkGenerator<T> {
        @Override
        public void onEvent(T event, long timestamp, WatermarkOutput output) {
            output.emitWatermark(Watermark.MAX_WATERMARK);
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.emitWatermark(Watermark.MAX_WATERMARK);
        }
    }
}
