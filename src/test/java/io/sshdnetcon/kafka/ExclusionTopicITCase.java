package io.sshdnetcon.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sshdnetcon.rule.ExclusionPolicy;
import io.sshdnetcon.rule.ExclusionSet;
import io.sshdnetcon.rule.ExclusionSetJson;
import io.sshdnetcon.rule.InvalidExclusionSetException;
import io.sshdnetcon.testing.RealKafka;
import io.sshdnetcon.tools.ExclusionsTool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ExclusionTopicITCase {

    @RegisterExtension static final RealKafka KAFKA = new RealKafka();

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static ExclusionSet set(long version, String... cidrs) {
        return new ExclusionSet(version, List.of(cidrs), List.of("/usr/bin/yum"), List.of("ssh"));
    }

    /** What a job with the rule's defaults and the default policy applies from {@code topic}. */
    private static ExclusionSet inForce(String topic) {
        return ExclusionTopic.readInForce(
                        KAFKA.clientConfig(),
                        topic,
                        TIMEOUT,
                        ExclusionSetJson.defaults(),
                        ExclusionPolicy.DEFAULTS)
                .newest();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theHighestValidVersionWinsOverLaterInvalidRecordsAndTombstones() {
        String topic = KAFKA.createTopic("it-excl", 1, true);
        byte[] v2 =
                utf8(
                        "{\"version\":2,\"description\":\"office VPN"
                            + " added\",\"destination_cidrs\":[\"10.0.0.0/8\",\"192.0.2.0/24\"],"
                            + "\"process_executables\":[],\"process_names\":[\"ssh\"]}");

        ExclusionTopic.Published first =
                ExclusionTopic.publish(KAFKA.clientConfig(), topic, set(1, "10.0.0.0/8"));
        ExclusionTopic.Published second =
                ExclusionTopic.publish(
                        KAFKA.clientConfig(), topic, v2, TIMEOUT, ExclusionTopic.Judging.DEFAULTS);
        // Another tool publishes an invalid higher version, and someone deletes a key.
        KAFKA.send(
                topic,
                null,
                utf8(ExclusionTopic.key(9)),
                utf8(
                        "{\"version\":9,\"destination_cidrs\":[\"10.0.0.0/33\"],\"process_executables\":[],\"process_names\":[]}"));
        KAFKA.send(topic, null, utf8(ExclusionTopic.key(10)), null);

        assertThat(first.version()).isEqualTo(1);
        assertThat(first.alreadyPresent()).isFalse();
        assertThat(second.offset()).isEqualTo(first.offset() + 1);
        assertThat(inForce(topic)).isEqualTo(ExclusionSetJson.parse(v2));

        ExclusionTopic.Contents contents =
                ExclusionTopic.read(KAFKA.clientConfig(), topic, TIMEOUT);
        assertThat(contents.records()).isEqualTo(4);
        assertThat(contents.validRecords()).isEqualTo(2);
        assertThat(contents.tombstones()).isEqualTo(1);
        assertThat(contents.invalid())
                .singleElement()
                .satisfies(
                        invalid -> {
                            assertThat(invalid.offset()).isEqualTo(second.offset() + 1);
                            assertThat(invalid.problem()).contains("10.0.0.0/33");
                        });
        assertThat(contents.inForce(ExclusionTopic.Judging.DEFAULTS).record())
                .hasValueSatisfying(
                        latest -> {
                            assertThat(latest.json())
                                    .as("published unchanged, description included")
                                    .isEqualTo(v2);
                            assertThat(latest.offset()).isEqualTo(second.offset());
                        });

        List<ConsumerRecord<byte[], byte[]>> raw = KAFKA.readAll(topic);
        assertThat(new String(raw.get(0).key(), StandardCharsets.UTF_8))
                .isEqualTo("v0000000000000000001");
        assertThat(new String(raw.get(1).key(), StandardCharsets.UTF_8))
                .isEqualTo("v0000000000000000002");
        assertThat(ExclusionSetJson.parse(raw.get(0).value())).isEqualTo(set(1, "10.0.0.0/8"));
    }

    @Test
    void anInvalidSetIsNeverPublished() {
        String topic = KAFKA.createTopic("it-excl-invalid", 1, true);
        ExclusionTopic.publish(KAFKA.clientConfig(), topic, set(1, "10.0.0.0/8"));

        assertThatThrownBy(
                        () ->
                                ExclusionTopic.publish(
                                        KAFKA.clientConfig(), topic, set(2, "10.0.0.0/33")))
                .isInstanceOf(InvalidExclusionSetException.class)
                .hasMessageContaining("10.0.0.0/33");
        assertThatThrownBy(
                        () ->
                                ExclusionTopic.publish(
                                        KAFKA.clientConfig(),
                                        topic,
                                        utf8(
                                                "{\"version\":3,\"destination_cidrs\":[],\"process_executables\":[],\"process_names\":[],\"extra\":1}"),
                                        TIMEOUT,
                                        ExclusionTopic.Judging.DEFAULTS))
                .isInstanceOf(InvalidExclusionSetException.class)
                .hasMessageStartingWith("unknown field 'extra'");
        assertThatThrownBy(
                        () ->
                                ExclusionTopic.publish(
                                        KAFKA.clientConfig(),
                                        topic,
                                        utf8("{not json"),
                                        TIMEOUT,
                                        ExclusionTopic.Judging.DEFAULTS))
                .isInstanceOf(InvalidExclusionSetException.class)
                .hasMessageStartingWith("not valid JSON");

        assertThat(KAFKA.readAll(topic)).hasSize(1);
    }

    @Test
    void onlyAHigherVersionIsPublished() {
        String topic = KAFKA.createTopic("it-excl-versions", 1, true);
        ExclusionTopic.publish(KAFKA.clientConfig(), topic, set(5, "10.0.0.0/8"));

        ExclusionTopic.Published again =
                ExclusionTopic.publish(KAFKA.clientConfig(), topic, set(5, "10.0.0.0/8"));
        assertThat(again.alreadyPresent()).isTrue();
        assertThatThrownBy(
                        () ->
                                ExclusionTopic.publish(
                                        KAFKA.clientConfig(), topic, set(5, "172.16.0.0/12")))
                .isInstanceOf(InvalidExclusionSetException.class)
                .hasMessageContaining("version 5 is not higher than version 5")
                .hasMessageContaining("with different lists")
                .hasMessageContaining("publish version 6 or higher");
        assertThatThrownBy(
                        () ->
                                ExclusionTopic.publish(
                                        KAFKA.clientConfig(), topic, set(4, "10.0.0.0/8")))
                .isInstanceOf(InvalidExclusionSetException.class)
                .hasMessageContaining("version 4 is not higher than version 5");
        assertThat(KAFKA.readAll(topic)).hasSize(1);
    }

    @Test
    void versionsSpreadOverPartitionsStillYieldTheHighest() {
        String topic = KAFKA.createTopic("it-excl-partitions", 3, true);
        for (long version = 1; version <= 6; version++) {
            ExclusionTopic.publish(
                    KAFKA.clientConfig(), topic, set(version, "10.0.0.0/" + (8 + version)));
        }

        assertThat(KAFKA.readAll(topic).stream().map(ConsumerRecord::partition).distinct().count())
                .as("keys spread over partitions")
                .isGreaterThan(1);
        assertThat(inForce(topic)).isEqualTo(set(6, "10.0.0.0/14"));
    }

    @Test
    void emptyAndMissingTopics() {
        String empty = KAFKA.createTopic("it-excl-empty", 2, true);
        assertThat(inForce(empty))
                .as("the configured set stays")
                .isEqualTo(ExclusionSetJson.defaults());

        assertThatThrownBy(() -> inForce("it-excl-missing"))
                .isInstanceOf(UnknownTopicOrPartitionException.class)
                .hasMessageContaining("topic 'it-excl-missing' does not exist");
    }

    @Test
    void theToolPublishesAndShows() throws Exception {
        String topic = KAFKA.createTopic("it-excl-tool", 1, true);
        Path file = Files.createTempFile("exclusions", ".json");
        Path bad = Files.createTempFile("exclusions-bad", ".json");
        try {
            Files.write(file, ExclusionSetJson.write(set(3, "10.0.0.0/8", "fe80::/10")));
            Files.writeString(
                    bad,
                    "{\"version\":4,\"destination_cidrs\":[\"300.0.0.0/8\"],\"process_executables\":[],\"process_names\":[]}");
            ToolRun publish =
                    ToolRun.exclusions(
                            "publish",
                            file.toString(),
                            "--bootstrap-servers",
                            KAFKA.bootstrap(),
                            "--topic",
                            topic);
            assertThat(publish.status).isZero();
            assertThat(publish.out)
                    .startsWith(
                            "published version 3 to "
                                    + topic
                                    + " (partition 0, offset 0, key v0000000000000000003)");

            ToolRun invalid =
                    ToolRun.exclusions(
                            "publish",
                            bad.toString(),
                            "--bootstrap-servers",
                            KAFKA.bootstrap(),
                            "--topic",
                            topic);
            assertThat(invalid.status).isEqualTo(1);
            assertThat(invalid.err)
                    .contains(bad + ": 'destination_cidrs': ")
                    .contains("300.0.0.0/8")
                    .contains("nothing was published");

            KAFKA.send(topic, null, utf8("junk"), utf8("[]"));
            ToolRun show =
                    ToolRun.exclusions(
                            "show", "--bootstrap-servers", KAFKA.bootstrap(), "--topic", topic);
            assertThat(show.status).isZero();
            assertThat(show.out)
                    .contains("topic " + topic + ": 2 records: 1 valid, 1 invalid, 0 tombstones")
                    .contains(
                            "invalid: partition 0, offset 1: an exclusion set must be a JSON"
                                    + " object")
                    .contains("version in force: 3 (partition 0, offset 0")
                    .contains("2 destination_cidrs, 1 process_executables, 1 process_names")
                    .contains("\"fe80::/10\"");

            ToolRun missing =
                    ToolRun.exclusions(
                            "show",
                            "--bootstrap-servers",
                            KAFKA.bootstrap(),
                            "--topic",
                            "it-excl-nope",
                            "--timeout-ms",
                            "5000");
            assertThat(missing.status).isEqualTo(1);
            assertThat(missing.err).contains("topic 'it-excl-nope' does not exist");
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(bad);
        }
    }

    private static final String EVERYTHING_AT_MAX =
            "{\"version\":9223372036854775807,\"destination_cidrs\":[\"0.0.0.0/0\"],"
                    + "\"process_executables\":[],\"process_names\":[]}";

    /**
     * The attack on the topic: whoever can write it publishes the highest version excluding
     * everything, and a plausible set far ahead. The start-up read refuses both, as the stream
     * does, and the operator's next version is still published and in force.
     */
    @Test
    void theStartUpReadRefusesWhatTheStreamRefusesAndTheNextVersionStillApplies() {
        String topic = KAFKA.createTopic("it-excl-attack", 1, true);
        ExclusionTopic.publish(KAFKA.clientConfig(), topic, set(1, "10.0.0.0/8"));
        KAFKA.send(topic, null, utf8(ExclusionTopic.key(Long.MAX_VALUE)), utf8(EVERYTHING_AT_MAX));
        KAFKA.send(
                topic,
                null,
                utf8(ExclusionTopic.key(5000)),
                utf8(
                        "{\"version\":5000,\"destination_cidrs\":[\"10.0.0.0/8\"],\"process_executables\":[],\"process_names\":[]}"));

        ExclusionTopic.Published next =
                ExclusionTopic.publish(
                        KAFKA.clientConfig(), topic, set(2, "10.0.0.0/8", "192.0.2.0/24"));
        assertThat(next.alreadyPresent()).isFalse();

        ExclusionPolicy.Chain chain =
                ExclusionTopic.readInForce(
                        KAFKA.clientConfig(),
                        topic,
                        TIMEOUT,
                        ExclusionSetJson.defaults(),
                        ExclusionPolicy.DEFAULTS);
        assertThat(chain.newest()).isEqualTo(set(2, "10.0.0.0/8", "192.0.2.0/24"));
        assertThat(chain.refused())
                .extracting(r -> r.set().version())
                .containsExactly(5000L, Long.MAX_VALUE);
        assertThat(chain.refused())
                .extracting(ExclusionPolicy.Refusal::reason)
                .satisfiesExactly(
                        step ->
                                assertThat(step)
                                        .contains(
                                                "version 5000 is 4998 versions ahead of version 2"),
                        all -> assertThat(all).contains("exclude every IPv4 address"));

        // An operator who really means it: allowed by the job's option, the step still applies.
        ExclusionPolicy permissive = new ExclusionPolicy(true, Long.MAX_VALUE, 0);
        assertThat(
                        ExclusionTopic.readInForce(
                                        KAFKA.clientConfig(),
                                        topic,
                                        TIMEOUT,
                                        ExclusionSetJson.defaults(),
                                        permissive)
                                .newest()
                                .version())
                .isEqualTo(Long.MAX_VALUE);

        // A tombstone removes the refused record for good.
        KAFKA.send(topic, null, utf8(ExclusionTopic.key(Long.MAX_VALUE)), null);
        assertThat(
                        ExclusionTopic.readInForce(
                                        KAFKA.clientConfig(),
                                        topic,
                                        TIMEOUT,
                                        ExclusionSetJson.defaults(),
                                        ExclusionPolicy.DEFAULTS)
                                .refused())
                .extracting(r -> r.set().version())
                .containsExactly(5000L);
    }

    @Test
    void theToolRefusesExcludeAllWithoutForceAndJumpsBeyondTheStep() throws Exception {
        String topic = KAFKA.createTopic("it-excl-tool-policy", 1, true);
        Path everything = Files.createTempFile("exclusions-all", ".json");
        Path far = Files.createTempFile("exclusions-far", ".json");
        try {
            Files.writeString(
                    everything,
                    "{\"version\":1,\"destination_cidrs\":[\"0.0.0.0/1\",\"128.0.0.0/1\"],\"process_executables\":[],\"process_names\":[]}");
            Files.write(far, ExclusionSetJson.write(set(1500, "10.0.0.0/8")));
            String[] connection = {"--bootstrap-servers", KAFKA.bootstrap(), "--topic", topic};

            ToolRun refused =
                    ToolRun.exclusions(
                            concat(new String[] {"publish", everything.toString()}, connection));
            assertThat(refused.status).isEqualTo(1);
            assertThat(refused.err)
                    .contains("exclude every IPv4 address")
                    .contains("--force")
                    .contains("nothing was published");

            ToolRun forced =
                    ToolRun.exclusions(
                            concat(
                                    new String[] {"publish", everything.toString(), "--force"},
                                    connection));
            assertThat(forced.status).as(forced.err).isZero();
            assertThat(forced.out).startsWith("published version 1");

            ToolRun jump =
                    ToolRun.exclusions(
                            concat(
                                    new String[] {"publish", far.toString(), "--force"},
                                    connection));
            assertThat(jump.status).isEqualTo(1);
            assertThat(jump.err)
                    .contains("version 1500 is 1499 versions ahead of version 1 in force")
                    .contains("detector.exclusions.max-version-step");
            ToolRun wider =
                    ToolRun.exclusions(
                            concat(
                                    new String[] {
                                        "publish", far.toString(), "--max-version-step", "5000"
                                    },
                                    connection));
            assertThat(wider.status).as(wider.err).isZero();

            KAFKA.send(
                    topic, null, utf8(ExclusionTopic.key(Long.MAX_VALUE)), utf8(EVERYTHING_AT_MAX));
            ToolRun show = ToolRun.exclusions(concat(new String[] {"show"}, connection));
            assertThat(show.status).isZero();
            assertThat(show.out)
                    .contains(
                            "refused: version 1: 'destination_cidrs' together exclude every IPv4"
                                    + " address")
                    .contains("(tombstone key v9223372036854775807 to remove it)")
                    .contains("refused: version 1500 is 1500 versions ahead of version 0 in force")
                    .contains("no set on the topic is newer than version 0");
            ToolRun showAsTheJobSeesIt =
                    ToolRun.exclusions(
                            concat(
                                    new String[] {"show", "--max-version-step", "5000", "--force"},
                                    connection));
            assertThat(showAsTheJobSeesIt.out).contains("version in force: 1500");
        } finally {
            Files.deleteIfExists(everything);
            Files.deleteIfExists(far);
        }
    }

    private static String[] concat(String[] first, String[] second) {
        String[] all = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    /** A tool run in this JVM with captured output. */
    record ToolRun(int status, String out, String err) {
        static ToolRun exclusions(String... args) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status =
                    ExclusionsTool.run(
                            args,
                            new PrintStream(out, true, StandardCharsets.UTF_8),
                            new PrintStream(err, true, StandardCharsets.UTF_8));
            return new ToolRun(
                    status,
                    out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8));
        }
    }
}
