package io.sshdnetcon.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sshdnetcon.elasticsearch.BulkCreate;
import io.sshdnetcon.job.DetectorJobs.Start;
import io.sshdnetcon.job.SavepointState.CepKeyState;
import io.sshdnetcon.job.SavepointState.PartialMatch;
import io.sshdnetcon.job.StreamingRun.Sequence;
import io.sshdnetcon.kafka.ExclusionTopic;
import io.sshdnetcon.metrics.MetricNames;
import io.sshdnetcon.rule.ExclusionSet;
import io.sshdnetcon.rule.ExclusionSetJson;
import io.sshdnetcon.testing.LocalElasticsearch;
import io.sshdnetcon.testing.LocalStack;
import io.sshdnetcon.testing.MiniClusters;
import io.sshdnetcon.testing.RealKafka;
import io.sshdnetcon.testing.SpecEvents;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.StreamStateHandle;
import org.apache.flink.runtime.state.filesystem.FileStateHandle;
import org.apache.flink.runtime.state.filesystem.RelativeFileStateHandle;
import org.apache.flink.runtime.state.memory.ByteStreamStateHandle;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Savepoints written by released versions, kept under {@code src/test/resources/savepoints/
 * <version>/} so that {@link SavepointCompatibilityITCase} restores every one of them with the
 * current build. Each holds {@code savepoint/} (canonical format, relocatable) and {@code
 * manifest.json} ({@link Manifest}): what the savepoint contains and what a restored job must be
 * sent to complete its pending sequence, with the alert that must follow.
 *
 * <p>Written once per release, on the release commit, never in normal builds:
 *
 * <pre>
 * scripts/savepoint-fixture.sh 0.2.0
 * </pre>
 *
 * which runs {@link #writeFixture} with {@code -Dsshdnetcon.fixture.write=<version>} and then the
 * compatibility test. A fixture is never rewritten: it is evidence of what that release wrote.
 *
 * <p>What the savepoint holds: exclusion set version 1 (the defaults plus 8.8.8.0/24) in broadcast
 * state, applied and read past by the control source; one exec pending in CEP (in its NFA, the
 * watermark past the exec but not past its window); one alert the Elasticsearch sink could not
 * deliver yet, in the sink's state; every event already read by the source. The completion sends a
 * connection to 8.8.8.8 (excluded by version 1: it must not consume the exec), then one to 9.9.9.9
 * 500 ms after the exec, then filler that moves event time past the window. Exactly two alerts must
 * follow, both under exclusion set version 1: the undelivered one, and (exec, 9.9.9.9 connection).
 * From 0.2.0 the savepoint also holds an exec that the per-host ordering has not released yet (its
 * host's time has not passed it); the completion sends its connection and its host's filler, and
 * its alert must follow too. A restore that lost the broadcast state would pair the exec with the
 * 8.8.8.8 connection under version 0; one that lost CEP state would raise nothing for it; one that
 * lost the sink's state (or could not read it) would never deliver the other.
 */
class SavepointFixtures {

    /** The fixtures, in the source tree (a fixture written during a build is read at once). */
    static final Path DIRECTORY = LocalStack.root().resolve("src/test/resources/savepoints");

    static final String WRITE_PROPERTY = "sshdnetcon.fixture.write";
    static final String COMMIT_PROPERTY = "sshdnetcon.fixture.commit";

    static final String MANIFEST = "manifest.json";
    static final String SAVEPOINT = "savepoint";
    static final int MANIFEST_FORMAT = 1;

    static final ObjectMapper JSON =
            new ObjectMapper()
                    .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(4, fastHeartbeats());

    @RegisterExtension static final RealKafka KAFKA = new RealKafka();

    /** Accumulators of a running job arrive with heartbeats: every 10 s by default. */
    private static Configuration fastHeartbeats() {
        Configuration conf = new Configuration();
        conf.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofMillis(300));
        return conf;
    }

    @RegisterExtension static final LocalElasticsearch ELASTICSEARCH = new LocalElasticsearch();

    private static final int PARALLELISM = 2;
    private static final int EVENT_PARTITIONS = 2;

    /**
     * The manifest of a fixture.
     *
     * @param manifestFormat {@link #MANIFEST_FORMAT}
     * @param jobVersion the release that wrote the savepoint
     * @param sourceCommit the git commit it was written from, if known
     * @param flinkVersion the Flink version that wrote it
     * @param createdAt when
     * @param savepoint the savepoint directory, relative to the manifest
     * @param savepointFormat always {@code CANONICAL}
     * @param parallelism of the job that wrote it (and of the restore)
     * @param maxParallelism of the job that wrote it
     * @param operatorsWithState the uids the savepoint holds state for, with its size in bytes:
     *     each must still exist in the restoring job
     * @param events the events topic as the savepoint knows it
     * @param exclusions the exclusions topic as the savepoint knows it
     * @param exclusionSet the set in force, in its JSON form
     * @param pendingExec the exec waiting in CEP
     * @param undeliveredAlerts alerts the Elasticsearch sink still held: a restored job sends them
     * @param complete what to send after the restore, and what must follow
     */
    record Manifest(
            int manifestFormat,
            String jobVersion,
            String sourceCommit,
            String flinkVersion,
            String createdAt,
            String savepoint,
            String savepointFormat,
            int parallelism,
            int maxParallelism,
            Map<String, Long> operatorsWithState,
            Topic events,
            Topic exclusions,
            JsonNode exclusionSet,
            PendingExec pendingExec,
            List<UndeliveredAlert> undeliveredAlerts,
            Completion complete) {

        static Manifest read(Path fixture) {
            try {
                return JSON.readValue(fixture.resolve(MANIFEST).toFile(), Manifest.class);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the manifest of " + fixture, e);
            }
        }

        void write(Path fixture) throws IOException {
            Files.writeString(fixture.resolve(MANIFEST), JSON.writeValueAsString(this) + "\n");
        }
    }

    /**
     * A Kafka topic as a source's state knows it: restoring needs one with this name and these
     * partitions, whose records from {@code consumedOffsets} on are the new ones.
     *
     * @param consumedOffsets per partition, the next offset the source reads
     */
    record Topic(
            String name, int partitions, boolean compacted, Map<Integer, Long> consumedOffsets) {}

    /**
     * @param sequenceKey the CEP key ({@code RuleEvent#sequenceKey})
     * @param event the exec as it was sent
     * @param partialMatches the NFA's partial matches for the key, as the savepoint holds them
     */
    record PendingExec(
            String sequenceKey,
            int partition,
            long offset,
            JsonNode event,
            List<PartialMatch> partialMatches) {}

    /**
     * @param send records for the events topic, in this order
     * @param expectAlerts exactly the alerts that must be in Elasticsearch afterwards
     * @param expectNoAlertFor network event ids that must not be alerted
     */
    record Completion(
            List<Send> send, List<ExpectedAlert> expectAlerts, List<String> expectNoAlertFor) {}

    /** One record; a null key sends it unkeyed; partition -1 lets the key choose it. */
    record Send(int partition, String key, JsonNode value) {}

    record ExpectedAlert(String execEventId, String networkEventId, long exclusionsVersion) {}

    /** An alert in the sink's state ({@code BulkCreateStateSerializer}), with its document id. */
    record UndeliveredAlert(
            String id, String execEventId, String networkEventId, long exclusionsVersion) {}

    /** The job's {@code alerts} accumulator (reported with the task managers' heartbeats). */
    private static long alertsBuilt(JobClient job) {
        return accumulator(job, MetricNames.ALERTS);
    }

    private static long accumulator(JobClient job, String name) {
        try {
            Object value = job.getAccumulators().get(10, TimeUnit.SECONDS).get(name);
            return value == null ? 0 : ((Number) value).longValue();
        } catch (Exception e) {
            return -1;
        }
    }

    /** When the held exec happens, after the pending one: inside the fixture's filler. */
    private static final long HELD_AFTER = 300;

    /** Every fixture directory (one with a manifest), oldest version first. */
    static List<Path> all() throws IOException {
        if (!Files.isDirectory(DIRECTORY)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(DIRECTORY)) {
            return dirs.filter(dir -> Files.isRegularFile(dir.resolve(MANIFEST))).sorted().toList();
        }
    }

    /**
     * Makes the topics a fixture's savepoint names exist as it expects: recreated empty, then
     * padded with records up to the consumed offsets. The padding is not JSON, so if a restored
     * source ever read it, it would land in the dead-letter topic.
     */
    static void prepareTopic(RealKafka kafka, Topic topic) {
        kafka.recreateTopic(topic.name(), topic.partitions(), topic.compacted());
        try (var producer = kafka.producer()) {
            topic.consumedOffsets()
                    .forEach(
                            (partition, offset) -> {
                                for (long i = 0; i < offset; i++) {
                                    byte[] key = ("padding-" + i).getBytes(StandardCharsets.UTF_8);
                                    producer.send(
                                            new org.apache.kafka.clients.producer.ProducerRecord<>(
                                                    topic.name(),
                                                    partition,
                                                    key,
                                                    "padding".getBytes(StandardCharsets.UTF_8)));
                                }
                            });
            producer.flush();
        }
    }

    @Test
    @EnabledIfSystemProperty(named = WRITE_PROPERTY, matches = ".+")
    void writeFixture(@TempDir Path tmp) throws Exception {
        String version = System.getProperty(WRITE_PROPERTY);
        assertThat(version)
                .as("a release version")
                .matches("[0-9]+\\.[0-9]+\\.[0-9]+([.-][A-Za-z0-9.]+)?");
        Path fixture = DIRECTORY.resolve(version);
        assertThat(fixture)
                .as(
                        "a released fixture is never rewritten; delete it by hand if that release"
                                + " was never published")
                .doesNotExist();

        String prefix = "sshdnetcon-fixture-" + version;
        Topic events = new Topic(prefix + "-events", EVENT_PARTITIONS, false, Map.of());
        Topic exclusions = new Topic(prefix + "-exclusions", 1, true, Map.of());
        prepareTopic(KAFKA, events);
        prepareTopic(KAFKA, exclusions);
        ExclusionSet version1 = SavepointITCase.excluding8888(ExclusionSetJson.defaults());
        ExclusionTopic.publish(KAFKA.clientConfig(), exclusions.name(), version1);

        Sequence sequence = new Sequence("fixture-host", "fixture-X");
        Sequence undelivered = new Sequence("fixture-undelivered", "fixture-U");
        // From 0.2.0: an exec still held by the per-host ordering, its host's time not yet past
        // it. Sent after the filler below, so no later event of its host is ever read.
        Sequence held = new Sequence("fixture-held", "fixture-H");
        String savepoint;
        long at;
        RecordMetadata exec;
        StreamingRun run =
                new StreamingRun(
                        KAFKA,
                        ELASTICSEARCH,
                        events.name(),
                        EVENT_PARTITIONS,
                        exclusions.name(),
                        KAFKA.createTopic("fixture-dead-letters", 1, false),
                        StreamingRun.uniqueNamespace("fixture"));
        try (run;
                DetectorJobs jobs = new DetectorJobs()) {
            // 1. On the real node: set version 1 in force, then an exec pending in CEP.
            JobClient job =
                    run.watch(
                            jobs.start(
                                    Start.fresh(PARALLELISM),
                                    run.settings("earliest"),
                                    ExclusionSetJson.defaults()));
            at = run.awaitExclusionsVersion(1, 0);
            exec = run.parkExecs(at, List.of(sequence)).get(0);
            String parked = DetectorJobs.stop(job, tmp.resolve("parked"));

            // 2. Restored with no node to reach, another sequence completes: its alert can only
            // wait in the sink's state. Event time restarts with the restored job: filler at
            // exec + 1400 ms takes it to exec + 399 ms, past this sequence, short of the pending
            // exec's window and of the connection that will complete it (exec + 500 ms).
            JobClient offline =
                    run.watch(
                            jobs.start(
                                    Start.restore(parked, PARALLELISM),
                                    run.settings(
                                            "latest",
                                            exclusions.name(),
                                            Map.of(
                                                    "es.hosts", "http://127.0.0.1:1",
                                                    "es.template.install", "false",
                                                    "es.retry.max-backoff", "200 ms")),
                                    ExclusionSetJson.defaults()));
            run.send(undelivered.exec(at + 200));
            run.send(undelivered.connect(at + 300, "1.1.1.1"));
            run.advanceEventTime(at + 1400);
            run.send(held.exec(at + HELD_AFTER));
            StreamingRun.await("the undelivered alert", () -> alertsBuilt(offline) == 1);
            StreamingRun.await(
                    "the held exec read",
                    () -> accumulator(offline, MetricNames.EVENTS_RELEVANT) == 3);
            savepoint = DetectorJobs.stop(offline, tmp.resolve("savepoints"));
        }

        // The fixture must hold what its manifest says.
        SavepointState state = SavepointState.of(savepoint);
        SavepointITCase.assertExecHeld(state, sequence, at);
        CepKeyState cep = state.cep().get(sequence.key());
        assertThat(state.exclusionSets()).isEqualTo(Map.of("active", version1));
        Map<Integer, Long> eventPositions = state.kafkaPositions(Uids.EVENTS_SOURCE);
        Map<Integer, Long> exclusionPositions = state.kafkaPositions(Uids.EXCLUSIONS_SOURCE);
        assertThat(eventPositions).isEqualTo(run.endOffsets(events.name()));
        assertThat(exclusionPositions).isEqualTo(run.endOffsets(exclusions.name()));
        List<UndeliveredAlert> undeliveredAlerts = new ArrayList<>();
        for (BulkCreate alert : state.bufferedAlerts()) {
            JsonNode document = JSON.readTree(alert.source());
            undeliveredAlerts.add(
                    new UndeliveredAlert(
                            alert.id(),
                            document.at("/detection/exec_event_id").asText(),
                            document.at("/detection/network_event_id").asText(),
                            document.at("/detection/exclusions_version").asLong()));
        }
        assertThat(undeliveredAlerts)
                .extracting(
                        UndeliveredAlert::execEventId,
                        UndeliveredAlert::networkEventId,
                        UndeliveredAlert::exclusionsVersion)
                .containsExactly(tuple(undelivered.execId(), undelivered.connectId(), 1L));

        // Staged first, so that a failed check leaves no half-written fixture behind.
        Path staging = tmp.resolve("fixture");
        Map<String, Long> operators =
                copySavepoint(Path.of(URI.create(savepoint)), staging.resolve(SAVEPOINT));

        List<Send> send = new ArrayList<>();
        int partition = exec.partition();
        // Not before exec + 500 ms: the filler that parked the exec took its host's time to exec +
        // 1500 ms, which the ordering's state keeps, and the runs' bound is 1000 ms.
        send.add(
                new Send(
                        partition,
                        sequence.host(),
                        json(
                                sequence.connect(
                                        sequence.host() + "-N-excluded",
                                        at + StreamingRun.CONNECT_AFTER,
                                        "8.8.8.8"))));
        send.add(
                new Send(
                        partition,
                        sequence.host(),
                        json(sequence.connect(at + StreamingRun.CONNECT_AFTER, "9.9.9.9"))));
        send.add(
                new Send(
                        partition,
                        sequence.host(),
                        json(
                                StreamingRun.filler(
                                        at + StreamingRun.FLUSH_FILLER_AFTER, sequence.host()))));
        send.add(
                new Send(
                        -1,
                        held.host(),
                        json(
                                held.connect(
                                        at + HELD_AFTER + StreamingRun.CONNECT_AFTER, "9.9.9.9"))));
        send.add(
                new Send(
                        -1,
                        held.host(),
                        json(
                                StreamingRun.filler(
                                        at + HELD_AFTER + StreamingRun.FLUSH_FILLER_AFTER,
                                        held.host()))));
        new Manifest(
                        MANIFEST_FORMAT,
                        version,
                        System.getProperty(COMMIT_PROPERTY),
                        EnvironmentInformation.getVersion(),
                        Instant.now().toString(),
                        SAVEPOINT,
                        "CANONICAL",
                        PARALLELISM,
                        PipelineSettings.MAX_PARALLELISM,
                        operators,
                        new Topic(events.name(), EVENT_PARTITIONS, false, eventPositions),
                        new Topic(exclusions.name(), 1, true, exclusionPositions),
                        JSON.readTree(ExclusionSetJson.write(version1)),
                        new PendingExec(
                                sequence.key(),
                                exec.partition(),
                                exec.offset(),
                                json(sequence.exec(at)),
                                cep == null ? List.of() : cep.partialMatches()),
                        undeliveredAlerts,
                        new Completion(
                                send,
                                List.of(
                                        new ExpectedAlert(
                                                undelivered.execId(), undelivered.connectId(), 1),
                                        new ExpectedAlert(
                                                sequence.execId(), sequence.connectId(), 1),
                                        new ExpectedAlert(held.execId(), held.connectId(), 1)),
                                List.of(sequence.host() + "-N-excluded")))
                .write(staging);
        copySavepoint(staging.resolve(SAVEPOINT), fixture.resolve(SAVEPOINT));
        Files.copy(staging.resolve(MANIFEST), fixture.resolve(MANIFEST));
    }

    private static JsonNode json(SpecEvents.Builder event) throws IOException {
        return JSON.readTree(event.bytes());
    }

    /**
     * Copies a canonical savepoint and checks that it can move. Flink refers to its own files
     * relative to {@code _metadata} ({@link RelativeFileStateHandle}); small state is inline
     * ({@link ByteStreamStateHandle}, whose name is the path it would have had: a name, never
     * opened). Only a plain {@link FileStateHandle} would tie the fixture to this machine.
     *
     * @return the uids of the operators with state, and its size in bytes
     */
    static Map<String, Long> copySavepoint(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                assertThat(file).as("a savepoint is flat").isRegularFile();
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
        CheckpointMetadata metadata;
        try (DataInputStream in =
                new DataInputStream(Files.newInputStream(to.resolve("_metadata")))) {
            metadata =
                    Checkpoints.loadCheckpointMetadata(
                            in, SavepointFixtures.class.getClassLoader(), to.toUri().toString());
        }
        Map<String, Long> uids = new java.util.TreeMap<>();
        List<StreamStateHandle> handles = new ArrayList<>();
        for (OperatorState operator : metadata.getOperatorStates()) {
            if (operator.getCoordinatorState() != null) {
                handles.add(operator.getCoordinatorState());
            }
            for (OperatorSubtaskState subtask : operator.getStates()) {
                Stream.concat(
                                subtask.getManagedOperatorState().stream(),
                                subtask.getRawOperatorState().stream())
                        .forEach(handle -> handles.add(handle.getDelegateStateHandle()));
                Stream.concat(
                                subtask.getManagedKeyedState().stream(),
                                subtask.getRawKeyedState().stream())
                        .forEach(
                                handle -> {
                                    assertThat(handle)
                                            .as("canonical keyed state")
                                            .isInstanceOf(KeyGroupsStateHandle.class);
                                    handles.add(
                                            ((KeyGroupsStateHandle) handle)
                                                    .getDelegateStateHandle());
                                });
                assertThat(subtask.getInputChannelState()).as("no in-flight data").isEmpty();
                assertThat(subtask.getResultSubpartitionState()).as("no in-flight data").isEmpty();
            }
            if (operator.getStateSize() > 0) {
                uids.put(
                        operator.getOperatorUid().orElse(operator.getOperatorID().toString()),
                        operator.getStateSize());
            }
        }
        assertThat(handles)
                .as("state handles in _metadata")
                .allSatisfy(
                        handle ->
                                assertThat(handle)
                                        .isInstanceOfAny(
                                                ByteStreamStateHandle.class,
                                                RelativeFileStateHandle.class));
        return uids;
    }
}
