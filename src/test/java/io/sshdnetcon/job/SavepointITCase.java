package io.sshdnetcon.job;

import static io.sshdnetcon.job.StreamingRun.CONNECT_AFTER;
import static io.sshdnetcon.job.StreamingRun.FLUSH_FILLER_AFTER;
import static io.sshdnetcon.job.StreamingRun.PARK_FILLER_AFTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.sshdnetcon.event.Stage;
import io.sshdnetcon.job.DetectorJobs.Start;
import io.sshdnetcon.job.SavepointState.CepKeyState;
import io.sshdnetcon.job.StreamingRun.Sequence;
import io.sshdnetcon.kafka.ExclusionTopic;
import io.sshdnetcon.rule.ExclusionSet;
import io.sshdnetcon.rule.ExclusionSetJson;
import io.sshdnetcon.testing.LocalElasticsearch;
import io.sshdnetcon.testing.MiniClusters;
import io.sshdnetcon.testing.RealKafka;
import io.sshdnetcon.testing.SpecEvents;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Upgrades through savepoints, on the production topology ({@link StreamingJob#build}) with real
 * Kafka and Elasticsearch: a sequence whose exec came before the savepoint completes after the
 * restore, at the same or another parallelism; the exclusion set in force survives in broadcast
 * state; and a savepoint whose state has nowhere to go is refused.
 *
 * <p>Each test makes sure that only the savepoint can carry what it checks: the source has read
 * past the exec before the savepoint (checked in the savepoint), and the restored job starts at the
 * latest offsets, so a job that failed to restore would never see the exec again.
 */
class SavepointITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(4);

    @RegisterExtension static final RealKafka KAFKA = new RealKafka();
    @RegisterExtension static final LocalElasticsearch ELASTICSEARCH = new LocalElasticsearch();

    /** When the pending execs happen (ms after {@link SpecEvents#BEGINNING}). */
    private static final long AT = 10_000;

    private static final ExclusionSet DEFAULTS = ExclusionSetJson.defaults();

    @TempDir Path dir;

    @ParameterizedTest(name = "parallelism {0} -> {1}, {2} pending execs")
    @CsvSource({"2, 2, 1", "2, 3, 6", "2, 1, 4"})
    void pendingExecsCompleteAfterARestore(int from, int to, int count) throws Exception {
        List<Sequence> sequences = spread("rescale", from, to, count);
        try (StreamingRun run =
                        StreamingRun.create(KAFKA, ELASTICSEARCH, "sp-" + from + "to" + to, 4);
                DetectorJobs jobs = new DetectorJobs()) {
            JobClient job =
                    run.watch(jobs.start(Start.fresh(from), run.settings("earliest"), DEFAULTS));
            List<RecordMetadata> execs = run.parkExecs(AT, sequences);
            String savepoint = DetectorJobs.stop(job, dir.resolve("stopped"));

            // The source had read everything, the execs included: only state can remember them.
            SavepointState state = SavepointState.of(savepoint);
            Map<Integer, Long> positions = state.kafkaPositions(Uids.EVENTS_SOURCE);
            assertThat(readUpTo(positions)).isEqualTo(run.endOffsets(run.eventsTopic()));
            for (RecordMetadata exec : execs) {
                assertThat(positions.get(exec.partition())).isGreaterThan(exec.offset());
            }
            // The gate holds each exec until its connection; CEP has not seen it.
            for (Sequence sequence : sequences) {
                assertExecHeld(state, sequence, AT);
            }

            JobClient restored =
                    run.watch(
                            jobs.start(
                                    Start.restore(savepoint, to),
                                    run.settings("latest"),
                                    DEFAULTS));
            for (Sequence sequence : sequences) {
                run.send(sequence.connect(AT + CONNECT_AFTER, "8.8.8.8"));
            }
            run.advanceEventTime(AT + FLUSH_FILLER_AFTER);
            for (Sequence sequence : sequences) {
                run.awaitAlert(sequence.connectId());
            }
            DetectorJobs.drain(restored, dir.resolve("drained"));

            // Exactly once each (plus the probes' alerts from before the savepoint).
            assertThat(run.alerts()).hasSize(count + run.probesSent());
            for (Sequence sequence : sequences) {
                assertThat(run.alertsFor(sequence.connectId()))
                        .singleElement()
                        .satisfies(alert -> assertAlert(alert, sequence, 0));
            }
        }
    }

    @Test
    void theExclusionSetInForceSurvivesInBroadcastState() throws Exception {
        // Spread over the three subtasks of the restored job: each needs its copy of the set.
        List<Sequence> google = spread("google", 2, 3, 4);
        Sequence quad9 = new Sequence("quad9", "X");
        try (StreamingRun run = StreamingRun.create(KAFKA, ELASTICSEARCH, "sp-exclusions", 4);
                DetectorJobs jobs = new DetectorJobs()) {
            ExclusionSet version1 = excluding8888(DEFAULTS);
            ExclusionTopic.publish(KAFKA.clientConfig(), run.exclusionsTopic(), version1);
            JobClient job =
                    run.watch(jobs.start(Start.fresh(2), run.settings("earliest"), DEFAULTS));
            long at = run.awaitExclusionsVersion(1, AT);
            String savepoint = DetectorJobs.stop(job, dir.resolve("stopped"));

            SavepointState state = SavepointState.of(savepoint);
            assertThat(state.exclusionSets()).isEqualTo(Map.of("active", version1));
            // The control source had read the set (offset 0): a restored job resumes after it.
            assertThat(state.kafkaPositions(Uids.EXCLUSIONS_SOURCE)).isEqualTo(Map.of(0, 1L));

            // Restored with the defaults (version 0) and configured with an empty control topic: a
            // job that did not restore would run on version 0. Rescaled to 3 on the way.
            String emptyControlTopic = KAFKA.createTopic("sp-exclusions-empty", 1, true);
            JobClient restored =
                    run.watch(
                            jobs.start(
                                    Start.restore(savepoint, 3),
                                    run.settings("latest", emptyControlTopic),
                                    DEFAULTS));
            for (Sequence sequence : google) {
                run.send(sequence.exec(at));
                run.send(sequence.connect(at + 100, "8.8.8.8"));
            }
            run.send(quad9.exec(at));
            run.send(quad9.connect(at + 100, "9.9.9.9"));
            run.advanceEventTime(at + PARK_FILLER_AFTER);
            run.awaitAlert(quad9.connectId());
            DetectorJobs.drain(restored, dir.resolve("drained"));

            assertThat(run.alertsFor(quad9.connectId()))
                    .singleElement()
                    .satisfies(alert -> assertAlert(alert, quad9, 1));
            for (Sequence sequence : google) {
                assertThat(run.alertsFor(sequence.connectId())).as(sequence.host()).isEmpty();
            }
        }
    }

    @Test
    void stateThatCannotBeMappedRefusesTheRestoreUnlessAllowed() throws Exception {
        Sequence pending = new Sequence("renamed", "X");
        Sequence control = new Sequence("control", "X");
        try (StreamingRun run = StreamingRun.create(KAFKA, ELASTICSEARCH, "sp-unmapped", 2);
                DetectorJobs jobs = new DetectorJobs()) {
            JobClient job =
                    run.watch(jobs.start(Start.fresh(2), run.settings("earliest"), DEFAULTS));
            run.parkExecs(AT, List.of(pending));
            String savepoint = DetectorJobs.stop(job, dir.resolve("stopped"));

            // The gate under another uid: its state would have nowhere to go.
            JobClient renamed =
                    jobs.start(
                            Start.restore(savepoint, 2),
                            run.settings("latest"),
                            DEFAULTS,
                            SavepointITCase::renameGateUid);
            assertThatThrownBy(() -> renamed.getJobExecutionResult().get(60, TimeUnit.SECONDS))
                    .hasStackTraceContaining("Cannot map checkpoint/savepoint state for operator")
                    .hasStackTraceContaining("allowNonRestoredState");

            // Another max parallelism: key groups would not line up.
            Configuration maxParallelism256 = new Configuration();
            maxParallelism256.set(PipelineOptions.MAX_PARALLELISM, 256);
            JobClient regrouped =
                    jobs.start(
                            Start.restore(savepoint, 2).with(maxParallelism256),
                            run.settings("latest"),
                            DEFAULTS);
            assertThatThrownBy(() -> regrouped.getJobExecutionResult().get(60, TimeUnit.SECONDS))
                    .hasStackTraceContaining("Max parallelism mismatch");

            // Allowed explicitly, the job starts, and the pending exec is silently gone.
            JobClient dropped =
                    run.watch(
                            jobs.start(
                                    Start.restore(savepoint, 2).allowingNonRestoredState(),
                                    run.settings("latest"),
                                    DEFAULTS,
                                    SavepointITCase::renameGateUid));
            run.send(pending.connect(AT + CONNECT_AFTER, "8.8.8.8"));
            run.send(control.exec(AT + 600));
            run.send(control.connect(AT + 700, "8.8.8.8"));
            run.advanceEventTime(AT + FLUSH_FILLER_AFTER);
            run.awaitAlert(control.connectId());
            DetectorJobs.drain(dropped, dir.resolve("drained"));

            assertThat(run.alertsFor(pending.connectId())).isEmpty();
        }
    }

    /**
     * How far the source had read each partition: a partition it never read a record from (no host
     * of the test landed there) is stored as "from the earliest offset", which is 0 for them.
     */
    private static Map<Integer, Long> readUpTo(Map<Integer, Long> positions) {
        Map<Integer, Long> read = new java.util.TreeMap<>();
        positions.forEach(
                (partition, position) ->
                        read.put(
                                partition,
                                position == KafkaPartitionSplit.EARLIEST_OFFSET ? 0L : position));
        return read;
    }

    /**
     * What a savepoint of this version shows for a sequence whose exec at {@code atMillis} waits
     * for its connection: the gate holds it, and CEP has no partial match for it.
     */
    static void assertExecHeld(SavepointState state, Sequence sequence, long atMillis)
            throws Exception {
        long at = SpecEvents.BEGINNING.toEpochMilli() + atMillis;
        assertThat(state.gate().get(sequence.key()))
                .as("the gate's state of %s", sequence.key())
                .isNotNull()
                .satisfies(
                        held -> {
                            assertThat(held.state()).isZero();
                            assertThat(held.exec().eventId()).isEqualTo(sequence.execId());
                            assertThat(held.exec().timestamp()).isEqualTo(at);
                        });
        CepKeyState cep = state.cep().get(sequence.key());
        if (cep != null) {
            assertThat(cep.pendingExecs()).isEmpty();
        }
    }

    /**
     * What a savepoint of a version before the gate shows for a sequence whose exec at {@code
     * atMillis} waits for its connection: CEP holds it as a partial match.
     */
    static void assertPendingExec(CepKeyState state, Sequence sequence, long atMillis) {
        long at = SpecEvents.BEGINNING.toEpochMilli() + atMillis;
        assertThat(state).as("CEP state of %s", sequence.key()).isNotNull();
        assertThat(state.queuedEvents()).as("events still waiting for the watermark").isEmpty();
        assertThat(state.pendingExecs())
                .singleElement()
                .satisfies(
                        match -> {
                            // CEP's timestamps are the release clock's (even), not event time;
                            // the event itself keeps its own time (below).
                            assertThat(match.lastStep().stage()).isEqualTo("exec");
                            assertThat(match.startTimestamp())
                                    .isEqualTo(match.lastStep().timestamp())
                                    .isEven();
                        });
        assertThat(state.bufferedEvents())
                .singleElement()
                .satisfies(
                        event -> {
                            assertThat(event.stage()).isEqualTo(Stage.EXEC);
                            assertThat(event.eventId()).isEqualTo(sequence.execId());
                            assertThat(event.sequenceKey()).isEqualTo(sequence.key());
                            assertThat(event.timestamp()).isEqualTo(at);
                        });
    }

    static void assertAlert(JsonNode alert, Sequence sequence, long exclusionsVersion) {
        assertThat(alert.at("/detection/exec_event_id").asText()).isEqualTo(sequence.execId());
        assertThat(alert.at("/detection/network_event_id").asText())
                .isEqualTo(sequence.connectId());
        assertThat(alert.at("/detection/exclusions_version").asLong()).isEqualTo(exclusionsVersion);
        assertThat(alert.at("/host/id").asText()).isEqualTo(sequence.host());
    }

    /** The defaults plus 8.8.8.0/24, as version 1. */
    static ExclusionSet excluding8888(ExclusionSet defaults) {
        List<String> cidrs = new ArrayList<>(defaults.destinationCidrs());
        cidrs.add("8.8.8.0/24");
        return new ExclusionSet(1, cidrs, defaults.processExecutables(), defaults.processNames());
    }

    /**
     * {@code count} sequences whose keys, when parallelism changes from {@code from} to {@code to},
     * come from every old subtask, reach every new one, and (if it changes) include one that
     * changes subtask: the restore must really move key groups. Keys that add to that coverage are
     * taken first, then any.
     */
    static List<Sequence> spread(String prefix, int from, int to, int count) {
        List<Sequence> chosen = new ArrayList<>();
        Set<Integer> oldSubtasks = new HashSet<>();
        Set<Integer> newSubtasks = new HashSet<>();
        boolean moved = from == to;
        for (int i = 0; chosen.size() < count && i < 10_000; i++) {
            Sequence candidate = new Sequence(prefix + "-" + i, "X");
            int before = subtask(candidate, from);
            int after = subtask(candidate, to);
            boolean covered = oldSubtasks.size() == from && newSubtasks.size() == to && moved;
            boolean adds =
                    !oldSubtasks.contains(before)
                            || !newSubtasks.contains(after)
                            || (!moved && before != after);
            if (covered || adds) {
                chosen.add(candidate);
                oldSubtasks.add(before);
                newSubtasks.add(after);
                moved |= before != after;
            }
        }
        if (from != to) {
            assertThat(oldSubtasks).as("old subtasks with a key").hasSize(from);
            assertThat(newSubtasks).as("new subtasks with a key").hasSize(to);
            assertThat(moved).as("a key changes subtask").isTrue();
        }
        return chosen;
    }

    /** The subtask that owns the sequence's key at {@code parallelism}. */
    static int subtask(Sequence sequence, int parallelism) {
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(
                sequence.key(), PipelineSettings.MAX_PARALLELISM, parallelism);
    }

    /**
     * The seam for "someone renamed the uid of the operator holding pending execs" (the gate): the
     * same topology otherwise.
     */
    static void renameGateUid(StreamGraph graph) {
        StreamNode gate =
                graph.getStreamNodes().stream()
                        .filter(node -> Uids.PENDING_EXEC_GATE.equals(node.getTransformationUID()))
                        .findFirst()
                        .orElseThrow();
        graph.setTransformationUID(gate.getId(), Uids.PENDING_EXEC_GATE + "-renamed");
    }
}
