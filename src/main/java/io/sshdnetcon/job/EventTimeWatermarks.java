package io.sshdnetcon.job;

import io.sshdnetcon.event.ParsedRecord;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
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
     * pipeline.auto-watermark-interval}). A partition that has been silent for {@code idleness}
     * first flushes (its watermark jumps to its newest event time, so sequences waiting on it
     * complete) and then goes idle, so it neither holds back the other partitions nor leaves the
     * last events of a quiet fleet unmatched. Events older than the flushed time that arrive after
     * such a silence are late.
     */
    public static WatermarkStrategy<ParsedRecord> periodic(
            Duration maxOutOfOrderness, Duration idleness) {
        long bound = maxOutOfOrderness.toMillis();
        long idleNanos = idleness.toNanos();
        return WatermarkStrategy.<ParsedRecord>forGenerator(
                        ctx -> new BoundedWithIdleFlush(bound, idleNanos, System::nanoTime))
                .withTimestampAssigner((record, previous) -> record.timestamp());
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

    /**
     * For bounded reads of live sources (Kafka backfills): bounded out-of-orderness without
     * idleness. Empty and exhausted partitions finish, so none can hold event time back, and the
     * end of the input flushes everything.
     */
    public static WatermarkStrategy<ParsedRecord> bounded(Duration maxOutOfOrderness) {
        return WatermarkStrategy.<ParsedRecord>forBoundedOutOfOrderness(maxOutOfOrderness)
                .withTimestampAssigner((record, previous) -> record.timestamp());
    }

    /**
     * For control streams joined with the events (the exclusion sets): permanently idle, so they
     * take no part in event time. A control stream that carried watermarks would either hold the
     * events back or, with a high watermark while every event partition is idle, push the detector
     * past events still to come. Records from an idle source are delivered as usual.
     */
    public static <T> WatermarkStrategy<T> idleControlStream() {
        return WatermarkStrategy.forGenerator(ctx -> new AlwaysIdle<>());
    }

    /**
     * For what leaves the per-host ordering: each event is stamped with a shared release clock
     * (wall time, never going back, per task) and the watermark follows that clock. Events then
     * reach CEP in the order they were released, and a watermark can never overtake one, so CEP
     * never drops anything as late; the rule's times are compared on the events' own timestamps. A
     * task with nothing to release still advances, so none holds the others back.
     */
    public static <T> WatermarkStrategy<T> releaseClock() {
        return new ReleaseClockStrategy<>();
    }

    private static final class ReleaseClockStrategy<T> implements WatermarkStrategy<T> {
        private static final long serialVersionUID = 1L;

        /** Shared by the assigner and the generator of one task; both are made in that task. */
        private transient long[] clock;

        private long[] clock() {
            if (clock == null) {
                clock = new long[] {Long.MIN_VALUE};
            }
            return clock;
        }

        private static long advance(long[] clock) {
            clock[0] = Math.max(clock[0], System.currentTimeMillis());
            return clock[0];
        }

        @Override
        public TimestampAssigner<T> createTimestampAssigner(
                TimestampAssignerSupplier.Context context) {
            long[] shared = clock();
            return (element, previous) -> 2 * advance(shared);
        }

        @Override
        public WatermarkGenerator<T> createWatermarkGenerator(
                WatermarkGeneratorSupplier.Context context) {
            long[] shared = clock();
            return new WatermarkGenerator<>() {
                @Override
                public void onEvent(T event, long timestamp, WatermarkOutput output) {}

                @Override
                public void onPeriodicEmit(WatermarkOutput output) {
                    output.emitWatermark(new Watermark(2 * advance(shared) - 1));
                }
            };
        }
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

    /** See {@link #periodic}. Package-private for tests, which drive the clock by hand. */
    static final class BoundedWithIdleFlush implements WatermarkGenerator<ParsedRecord> {
        private final long bound;
        private final long idleNanos;
        private final LongSupplier nanoClock;
        private long maxTimestamp = Long.MIN_VALUE;
        private long lastActivity;
        private boolean flushed;

        BoundedWithIdleFlush(long bound, long idleNanos, LongSupplier nanoClock) {
            this.bound = bound;
            this.idleNanos = idleNanos;
            this.nanoClock = nanoClock;
            this.lastActivity = nanoClock.getAsLong();
        }

        @Override
        public void onEvent(ParsedRecord record, long timestamp, WatermarkOutput output) {
            lastActivity = nanoClock.getAsLong();
            flushed = false;
            if (record.hasTimestamp() && timestamp > maxTimestamp) {
                maxTimestamp = timestamp;
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            boolean silent = nanoClock.getAsLong() - lastActivity >= idleNanos;
            if (!silent) {
                if (maxTimestamp != Long.MIN_VALUE) {
                    output.emitWatermark(new Watermark(maxTimestamp - bound - 1));
                }
                return;
            }
            if (!flushed && maxTimestamp != Long.MIN_VALUE) {
                // Idle only from the next tick: a source combines split watermarks once per tick
                // and leaves idle splits out, so flushing and idling together would drop the flush.
                output.emitWatermark(new Watermark(maxTimestamp));
                flushed = true;
                return;
            }
            flushed = true;
            output.markIdle();
        }
    }

    private static final class AlwaysIdle<T> implements WatermarkGenerator<T> {
        @Override
        public void onEvent(T event, long timestamp, WatermarkOutput output) {
            output.markIdle();
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.markIdle();
        }
    }
}
