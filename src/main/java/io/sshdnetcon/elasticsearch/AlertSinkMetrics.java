package io.sshdnetcon.elasticsearch;

import io.sshdnetcon.metrics.JobCounter;
import io.sshdnetcon.metrics.MetricNames;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

/**
 * The sink's counters, in the detector's metric group, plus Flink's standard {@code
 * numRecordsOutErrors}: alerts that never reached Elasticsearch (dead-lettered). Retried attempts
 * are not errors there; they end stored or rejected. (In Flink 2.2 {@code numRecordsSendErrors} is
 * the same counter under a second name.) Updated only on the task thread: Flink's simple counters
 * are not thread-safe.
 */
final class AlertSinkMetrics {

    private final Counter indexed;
    private final Counter alreadyIndexed;
    private final Counter retried;
    private final Counter rejected;
    private final Counter outErrors;

    /**
     * @param bufferedBytes the writer's buffer size in bytes, read by the metric reporters
     */
    AlertSinkMetrics(SinkWriterMetricGroup writerGroup, Gauge<Long> bufferedBytes) {
        MetricGroup group = writerGroup.addGroup(JobCounter.GROUP);
        group.gauge(MetricNames.ALERTS_BUFFERED_BYTES, bufferedBytes);
        indexed = group.counter(MetricNames.ALERTS_INDEXED);
        alreadyIndexed = group.counter(MetricNames.ALERTS_ALREADY_INDEXED);
        retried = group.counter(MetricNames.ALERTS_RETRIED);
        rejected = group.counter(MetricNames.ALERTS_REJECTED);
        outErrors = writerGroup.getNumRecordsOutErrorsCounter();
    }

    void indexed(int n) {
        indexed.inc(n);
    }

    void alreadyIndexed(int n) {
        alreadyIndexed.inc(n);
    }

    void retried(int n) {
        retried.inc(n);
    }

    void rejected() {
        rejected.inc();
        outErrors.inc();
    }
}
