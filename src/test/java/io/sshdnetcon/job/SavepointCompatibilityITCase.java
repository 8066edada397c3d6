package io.sshdnetcon.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sshdnetcon.job.DetectorJobs.Start;
import io.sshdnetcon.job.SavepointFixtures.ExpectedAlert;
import io.sshdnetcon.job.SavepointFixtures.Manifest;
import io.sshdnetcon.job.SavepointFixtures.Send;
import io.sshdnetcon.job.SavepointFixtures.UndeliveredAlert;
import io.sshdnetcon.rule.ExclusionSetJson;
import io.sshdnetcon.testing.LocalElasticsearch;
import io.sshdnetcon.testing.MiniClusters;
import io.sshdnetcon.testing.RealKafka;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every savepoint a release wrote ({@link SavepointFixtures}) restores with the current build and
 * completes its pending sequence exactly as its manifest says: the upgrade path users take.
 */
class SavepointCompatibilityITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(4);

    @RegisterExtension static final RealKafka KAFKA = new RealKafka();
    @RegisterExtension static final LocalElasticsearch ELASTICSEARCH = new LocalElasticsearch();

    @TempDir Path dir;

    /**
     * Fixtures written before time was per host (0.1.0) move time with a filler host, not the
     * sequence's own: the host's idle flush is what judges its pending events then, as it would for
     * any host that goes quiet after an upgrade.
     */
    private static final Map<String, String> IDLE_FLUSH = Map.of("detector.idleness", "3 s");

    /**
     * Every fixture, restored into each state backend a cluster may run: a canonical savepoint is
     * backend-independent, and RocksDB migrates evolved state differently (on access, not on load).
     */
    static Stream<Arguments> fixtures() throws IOException {
        List<Path> all = SavepointFixtures.all();
        assertThat(all).as("fixtures in " + SavepointFixtures.DIRECTORY).isNotEmpty();
        return all.stream()
                .flatMap(
                        fixture ->
                                Stream.of("hashmap", "rocksdb")
                                        .map(
                                                backend ->
                                                        Arguments.of(
                                                                Named.of(
                                                                        fixture.getFileName()
                                                                                .toString(),
                                                                        fixture),
                                                                backend)));
    }

    @ParameterizedTest(name = "savepoint of {0} into {1}")
    @MethodSource("fixtures")
    void aReleasedSavepointRestoresAndCompletesItsPendingSequence(Path fixture, String backend)
            throws Exception {
        Manifest manifest = Manifest.read(fixture);
        assertThat(manifest.manifestFormat()).isEqualTo(SavepointFixtures.MANIFEST_FORMAT);
        assertThat(manifest.maxParallelism()).isEqualTo(PipelineSettings.MAX_PARALLELISM);

        try (Restored restored = restore(fixture, manifest, backend, "complete")) {
            StreamingRun run = restored.run();
            JobClient job = restored.job();
            for (Send send : manifest.complete().send()) {
                run.send(
                        send.partition() < 0 ? null : send.partition(),
                        send.key() == null ? null : send.key().getBytes(StandardCharsets.UTF_8),
                        send.value()
                                .toString()
                                .getBytes(StandardCharsets.UTF_8)); // one line, compact
            }
            for (ExpectedAlert expected : manifest.complete().expectAlerts()) {
                run.awaitAlert(expected.networkEventId());
            }
            DetectorJobs.drain(job, dir.resolve("drained"));

            List<ExpectedAlert> alerts =
                    run.alerts().stream().map(SavepointCompatibilityITCase::asExpected).toList();
            assertThat(alerts)
                    .containsExactlyInAnyOrderElementsOf(manifest.complete().expectAlerts());
            // The alerts that waited in the sink's state keep their ids (so never a second copy).
            assertThat(run.alerts().stream().map(alert -> alert.at("/event/id").asText()))
                    .containsAll(
                            manifest.undeliveredAlerts().stream()
                                    .map(UndeliveredAlert::id)
                                    .toList());
            for (String networkEventId : manifest.complete().expectNoAlertFor()) {
                assertThat(run.alertsFor(networkEventId)).as(networkEventId).isEmpty();
            }
            // Nothing malformed or late: the padding was never read, no event came too late.
            assertThat(KAFKA.readAll(run.deadLetterTopic())).isEmpty();
        }
    }

    /**
     * An exec restored from 0.1.0 sits in CEP as a partial match that the new ordering never
     * released, so it gets no expiry marker. What the upgrade notes promise for it: a connection of
     * its process more than the span after it never matches (the span is checked on the
     * timestamps), and the key's next exec and connection alert as usual, with that exec.
     */
    @Test
    void anExecRestoredFrom010NeverMatchesAConnectionPastTheSpan() throws Exception {
        Path fixture = SavepointFixtures.DIRECTORY.resolve("0.1.0");
        Manifest manifest = Manifest.read(fixture);
        JsonNode exec = manifest.pendingExec().event();
        JsonNode connect =
                manifest.complete().send().stream()
                        .map(Send::value)
                        .filter(v -> v.at("/event/id").asText().equals("fixture-host-N"))
                        .findFirst()
                        .orElseThrow();
        Instant execAt = Instant.parse(exec.get("@timestamp").asText());
        List<JsonNode> send =
                List.of(
                        event(connect, "fixture-host-N-past-span", execAt.plusMillis(1001)),
                        event(exec, "fixture-host-E2", execAt.plusMillis(1500)),
                        event(connect, "fixture-host-N2", execAt.plusMillis(2000)));

        try (Restored restored = restore(fixture, manifest, "hashmap", "past-span")) {
            StreamingRun run = restored.run();
            for (JsonNode value : send) {
                run.send(
                        manifest.pendingExec().partition(),
                        exec.at("/host/id").asText().getBytes(StandardCharsets.UTF_8),
                        value.toString().getBytes(StandardCharsets.UTF_8));
            }
            run.awaitAlert("fixture-host-N2");
            DetectorJobs.drain(restored.job(), dir.resolve("drained"));

            assertThat(run.alerts().stream().map(SavepointCompatibilityITCase::asExpected))
                    .containsExactlyInAnyOrder(
                            new ExpectedAlert("fixture-undelivered-E", "fixture-undelivered-N", 1),
                            new ExpectedAlert("fixture-host-E2", "fixture-host-N2", 1));
            assertThat(run.alertsFor("fixture-host-N-past-span")).isEmpty();
            assertThat(KAFKA.readAll(run.deadLetterTopic())).isEmpty();
        }
    }

    private static JsonNode event(JsonNode template, String id, Instant at) {
        ObjectNode copy = template.deepCopy();
        copy.put("@timestamp", at.toString());
        ((ObjectNode) copy.get("event")).put("id", id);
        return copy;
    }

    /** A job restored from a fixture, writing to its own Elasticsearch namespace. */
    private record Restored(StreamingRun run, DetectorJobs jobs, JobClient job)
            implements AutoCloseable {
        @Override
        public void close() throws Exception {
            try (run) {
                jobs.close();
            }
        }
    }

    private Restored restore(Path fixture, Manifest manifest, String backend, String test)
            throws Exception {
        // The sources' state names its topics and offsets: recreate them, padded up to there.
        SavepointFixtures.prepareTopic(KAFKA, manifest.events());
        SavepointFixtures.prepareTopic(KAFKA, manifest.exclusions());
        // From another place than where it was written, as after a move of the repository.
        Path savepoint = dir.resolve("moved");
        copy(fixture.resolve(manifest.savepoint()), savepoint);

        String name = "compat-" + test + "-" + fixture.getFileName() + "-" + backend;
        Configuration stateBackend = new Configuration();
        stateBackend.set(StateBackendOptions.STATE_BACKEND, backend);
        StreamingRun run =
                new StreamingRun(
                        KAFKA,
                        ELASTICSEARCH,
                        manifest.events().name(),
                        manifest.events().partitions(),
                        manifest.exclusions().name(),
                        KAFKA.createTopic(name + "-dead-letters", 1, false),
                        StreamingRun.uniqueNamespace(name));
        DetectorJobs jobs = new DetectorJobs();
        try {
            // The built-in exclusions (version 0): the set in force must come from the savepoint.
            JobClient job =
                    run.watch(
                            jobs.start(
                                    Start.restore(
                                                    savepoint.toUri().toString(),
                                                    manifest.parallelism())
                                            .with(stateBackend),
                                    run.settings("latest", run.exclusionsTopic(), IDLE_FLUSH),
                                    ExclusionSetJson.defaults()));
            return new Restored(run, jobs, job);
        } catch (Exception | Error e) {
            try (run) {
                jobs.close();
            }
            throw e;
        }
    }

    private static ExpectedAlert asExpected(JsonNode alert) {
        return new ExpectedAlert(
                alert.at("/detection/exec_event_id").asText(),
                alert.at("/detection/network_event_id").asText(),
                alert.at("/detection/exclusions_version").asLong());
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }
}
