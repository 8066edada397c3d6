package io.sshdnetcon.metrics;

import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.api.common.accumulators.LongMinimum;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * The wall-clock window in which the job's sources read their records: the earliest first record
 * and the latest last record over all subtasks, as job accumulators. A bounded run's summary
 * divides by it to give the rate of the pipeline itself, without the cluster's start-up before it
 * or the final checkpoint after it.
 *
 * <p>The clock is read on the first record and then once per {@link #EVERY} records, so the last
 * reading may be that many records early: microseconds. (A function's {@code close} comes only
 * after the final checkpoint, too late to mark the end of the input.) Not thread-safe: one per
 * subtask.
 */
public final class ReadWindow {

    public static final String FIRST_RECORD_AT_MS = "first_record_at_ms";
    public static final String LAST_RECORD_AT_MS = "last_record_at_ms";

    static final int EVERY = 64;

    private final LongMinimum first = new LongMinimum();
    private final LongMaximum last = new LongMaximum();
    private long records;

    private ReadWindow() {}

    public static ReadWindow register(RuntimeContext context) {
        ReadWindow window = new ReadWindow();
        context.addAccumulator(FIRST_RECORD_AT_MS, window.first);
        context.addAccumulator(LAST_RECORD_AT_MS, window.last);
        return window;
    }

    /** Called for each record read. */
    public void record() {
        if (records++ % EVERY == 0) {
            long now = System.currentTimeMillis();
            if (records == 1) {
                first.add(now);
            }
            last.add(now);
        }
    }
}
