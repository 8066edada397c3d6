package io.sshdnetcon.job;

import io.sshdnetcon.detect.AlertDocument;
import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.ParsedRecord;
import io.sshdnetcon.rule.ExclusionUpdate;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;

/**
 * What the detector reads from and writes to. The topology is the same for replay, Kafka and tests;
 * only these change.
 *
 * @param events parsed ECS events (parsing happens inside the source)
 * @param eventsParallelism parallelism of the events source, or {@link #JOB_DEFAULT}
 * @param exclusionUpdates validated exclusion sets arriving at run time
 * @param alerts where alert documents go
 * @param deadLetters where unusable records go
 * @param lateEvents where late events go
 * @param sinkParallelism parallelism of the three sinks, or {@link #JOB_DEFAULT}
 */
public record Connectors(
        Source<ParsedRecord, ?, ?> events,
        int eventsParallelism,
        Source<ExclusionUpdate, ?, ?> exclusionUpdates,
        Sink<AlertDocument> alerts,
        Sink<DeadLetter> deadLetters,
        Sink<DeadLetter> lateEvents,
        int sinkParallelism) {

    /** Use the job's parallelism. */
    public static final int JOB_DEFAULT = -1;

    /**
     * Replay: one reader for the input (one file is one split) and one writer per output file, so
     * lines are never interleaved; the operators between run at the job's parallelism.
     */
    public static Connectors replay(
            Source<ParsedRecord, ?, ?> file,
            Source<ExclusionUpdate, ?, ?> exclusionUpdates,
            Sink<AlertDocument> alerts,
            Sink<DeadLetter> deadLetters,
            Sink<DeadLetter> lateEvents) {
        return new Connectors(file, 1, exclusionUpdates, alerts, deadLetters, lateEvents, 1);
    }

    /** Streaming: Kafka in, Elasticsearch and Kafka out, everything at the job's parallelism. */
    public static Connectors streaming(
            Source<ParsedRecord, ?, ?> events,
            Source<ExclusionUpdate, ?, ?> exclusionUpdates,
            Sink<AlertDocument> alerts,
            Sink<DeadLetter> deadLetters,
            Sink<DeadLetter> lateEvents) {
        return new Connectors(
                events,
                JOB_DEFAULT,
                exclusionUpdates,
                alerts,
                deadLetters,
                lateEvents,
                JOB_DEFAULT);
    }

    public Connectors {
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(exclusionUpdates, "exclusionUpdates");
        Objects.requireNonNull(alerts, "alerts");
        Objects.requireNonNull(deadLetters, "deadLetters");
        Objects.requireNonNull(lateEvents, "lateEvents");
    }
}
