package io.sshdnetcon.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sshdnetcon.kafka.DeadLetterTopicCheck;
import io.sshdnetcon.testing.RealKafka;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming job's start-up refusals, as users meet them: {@code StreamingJob.main} in its own
 * JVM, exit status 2 and one clear line, before any job is submitted.
 */
class StreamingJobStartUpITCase {

    @RegisterExtension static final RealKafka KAFKA = new RealKafka();

    @TempDir Path dir;

    private record Result(int status, String output) {}

    @Test
    void withoutCheckpointingTheJobDoesNotStart() throws Exception {
        Result result = run(List.of());

        assertThat(result.status()).as(result.output()).isEqualTo(2);
        assertThat(result.output())
                .contains(
                        "sshd-netcon-detector: checkpointing is off; set"
                                + " execution.checkpointing.interval");
    }

    @Test
    void aMissingDeadLetterTopicStopsTheStart() throws Exception {
        String exclusions = KAFKA.createTopic("it-startup-exclusions", 1, true);
        String missing = "it-startup-no-such-dlq-" + UUID.randomUUID();

        Result result =
                run(
                        List.of(
                                "--execution.checkpointing.interval",
                                "10s",
                                // Nothing listens at es.hosts: skip that check to reach the Kafka
                                // ones.
                                "--es.startup-check",
                                "OFF",
                                "--kafka.exclusions-topic",
                                exclusions,
                                "--kafka.dead-letter-topic",
                                missing));

        assertThat(result.status()).as(result.output()).isEqualTo(2);
        assertThat(result.output())
                .contains("cannot use the dead-letter topic '" + missing + "'")
                .contains("does not exist")
                .contains("scripts/kafka.sh create-topic " + missing);
    }

    /** This broker runs no authorizer: the check says so instead of claiming a grant. */
    @Test
    void anExistingTopicOnBrokersWithoutAnAuthorizerIsReportedAsSuch() {
        String topic = KAFKA.createTopic("it-startup-dlq", 1, false);

        assertThat(
                        DeadLetterTopicCheck.requireWritable(
                                KAFKA.clientConfig(), topic, Duration.ofSeconds(20)))
                .isEqualTo(DeadLetterTopicCheck.Result.NO_AUTHORIZER);
        assertThatThrownBy(
                        () ->
                                DeadLetterTopicCheck.requireWritable(
                                        KAFKA.clientConfig(),
                                        topic + "-missing",
                                        Duration.ofSeconds(20)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not exist");
    }

    private Result run(List<String> options) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The JDK 17 module flags the build gives this JVM; Flink needs them in the child too.
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(argument -> argument.startsWith("--add-"))
                .forEach(command::add);
        command.addAll(
                List.of(
                        "-cp",
                        System.getProperty("java.class.path"),
                        StreamingJob.class.getName(),
                        "--kafka.bootstrap-servers",
                        KAFKA.bootstrap(),
                        "--kafka.events-topics",
                        "it-startup-events",
                        "--es.hosts",
                        "http://127.0.0.1:9"));
        command.addAll(options);
        File output = dir.resolve("job-" + UUID.randomUUID() + ".log").toFile();
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(output)
                        .start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the job did not stop: " + Files.readString(output.toPath()));
        }
        return new Result(process.exitValue(), Files.readString(output.toPath()));
    }
}
