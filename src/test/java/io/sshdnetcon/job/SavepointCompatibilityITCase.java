package io.sshdnetcon.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Named;
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

        // The sources' state names its topics and offsets: recreate them, padded up to there.
        SavepointFixtures.prepareTopic(KAFKA, manifest.events());
        SavepointFixtures.prepareTopic(KAFKA, manifest.exclusions());
        // From another place than where it was written, as after a move of the repository.
        Path savepoint = dir.resolve("moved");
        copy(fixture.resolve(manifest.savepoint()), savepoint);

        String name = "compat-" + fixture.getFileName() + "-" + backend;
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
        try (run;
                DetectorJobs jobs = new DetectorJobs()) {
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
