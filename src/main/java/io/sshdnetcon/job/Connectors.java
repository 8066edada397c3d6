package io.sshdnetcon.job;

import io.sshdnetcon.detect.AlertDocument;
import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.ParsedRecord;
import io.sshdnetcon.rule.ExclusionUpdate;
import java.util.Objects;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;

/**
 * What the detector reads from and writes to. The topology is the same for replay, Kafka and
 * tests; only these change.
 *
 * @param events parsed ECS events (parsing happens inside the source)
 * @param eventWatermarks event-time strategy for {@link #events}
 * @param eventsParallelism parallelism of the events source, or -1 for the job default
 * @param exclusionUpdates validated exclusion sets arriving at run time
 * @param alerts where alert documents go
 * @param deadLetters where unusable records go
 * @param lateEvents where late events go
 * @param sinkParallelism parallelism of the three sinks, or -1 for the job default
 */
public record Connectors(
        Source<ParsedRecord, ?, ?> events,
        WatermarkStrategy<ParsedRecord> eventWatermarks,
        int eventsParallelism,
        Source<ExclusionUpdate, ?, ?> exclusionUpdates,
        Sink<AlertDocument> alerts,
        Sink<DeadLetter> deadLetters,
        Sink<DeadLetter> lateEvents,
        int sinkParallelism) {

    public Connectors {
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(eventWatermarks, "eventWatermarks");
        Objects.requireNonNull(exclusionUpdates, "exclusionUpdates");
        Objects.requireNonNull(alerts, "alerts");
        Objects.requireNonNull(deadLetters, "deadLetters");
        Objects.requireNonNull(lateEvents, "lateEvents");
    }
}
