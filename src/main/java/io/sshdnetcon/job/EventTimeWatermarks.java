package io.sshdnetcon.job;

import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * The job's two watermark strategies. Neither follows {@code @timestamp}: time is per host, and the
 * per-host ordering ({@code OrderHostEvents}) is what reads the events' own clocks.
 */
public final class EventTimeWatermarks {

    private EventTimeWatermarks() {}

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
