package io.sshdnetcon.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaOptionsTest {

    @TempDir Path dir;

    private static Configuration minimal() {
        Configuration conf = new Configuration();
        conf.setString("kafka.bootstrap-servers", "127.0.0.1:19092");
        conf.setString("kafka.events-topics", "ecs-events");
        return conf;
    }

    @Test
    void defaults() {
        KafkaOptions.Settings settings = KafkaOptions.read(minimal());

        assertThat(settings.bootstrapServers()).isEqualTo("127.0.0.1:19092");
        assertThat(settings.eventsTopics()).containsExactly("ecs-events");
        assertThat(settings.groupId()).isEqualTo("sshd-netcon-detector");
        assertThat(settings.startingOffsets().mode()).isEqualTo(StartingOffsets.Mode.COMMITTED);
        assertThat(settings.exclusionsTopic()).isEqualTo("sshd-netcon-exclusions");
        assertThat(settings.deadLetterTopic()).isEqualTo("sshd-netcon-dead-letters");
        assertThat(settings.clientProperties()).isEmpty();
        assertThat(settings.partitionDiscoveryInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(settings.clientConfig())
                .containsExactly(Map.entry("bootstrap.servers", "127.0.0.1:19092"));
    }

    @Test
    void severalTopicsAreSeparatedBySemicolons() {
        Configuration conf = minimal();
        conf.setString("kafka.events-topics", "a;b.c;d_e-f");
        conf.setString("kafka.bootstrap-servers", " k1:9092 , k2:9093");

        KafkaOptions.Settings settings = KafkaOptions.read(conf);

        assertThat(settings.eventsTopics()).containsExactly("a", "b.c", "d_e-f");
        assertThat(settings.bootstrapServers()).isEqualTo("k1:9092,k2:9093");
    }

    @Test
    void requiredOptionsAreNamed() {
        Configuration noBootstrap = minimal();
        noBootstrap.removeKey("kafka.bootstrap-servers");
        assertThatThrownBy(() -> KafkaOptions.read(noBootstrap))
                .hasMessage("kafka.bootstrap-servers is required");

        Configuration noTopics = minimal();
        noTopics.removeKey("kafka.events-topics");
        assertThatThrownBy(() -> KafkaOptions.read(noTopics))
                .hasMessage("kafka.events-topics is required");
    }

    @Test
    void rejectsBadValues() {
        assertRejected("kafka.bootstrap-servers", "localhost", "'localhost' is not host:port");
        assertRejected("kafka.bootstrap-servers", "h:99999", "port out of range");
        assertRejected("kafka.events-topics", "a,b", "separate several topics with ';'");
        assertRejected("kafka.events-topics", "a;a", "lists 'a' twice");
        assertRejected("kafka.events-topics", "sshd-netcon-dead-letters", "must not contain");
        assertRejected("kafka.events-topics", "sshd-netcon-exclusions", "must not contain");
        assertRejected(
                "kafka.dead-letter-topic", "sshd-netcon-exclusions", "must be different topics");
        assertRejected("kafka.group-id", " ", "kafka.group-id must not be empty");
        assertRejected(
                "kafka.starting-offsets", "newest", "is not one of committed, earliest, latest");
        assertRejected(
                "kafka.starting-offsets", "timestamp:yesterday", "non-negative epoch-millisecond");
        assertRejected("kafka.starting-offsets", "timestamp:-5", "non-negative epoch-millisecond");
        assertRejected("kafka.partition-discovery-interval", "0 s", "must be positive");
        assertRejected("kafka.dead-letter-max-payload-bytes", "100", "at least 1024");
        assertRejected(
                "kafka.properties-file",
                dir.resolve("missing").toString(),
                "kafka.properties-file: cannot read");
        assertRejected("kafka.dead-letter-buffer.max-records", "0", "at least 1");
        assertRejected(
                "kafka.dead-letter-buffer.max-bytes",
                "100 kb",
                "must be at least kafka.dead-letter-max-payload-bytes (1000000 bytes)");
        assertRejected("kafka.dead-letter-buffer.flush-timeout", "0 s", "must be positive");
    }

    @Test
    void theDeadLetterBufferIsBoundedByDefault() {
        assertThat(KafkaOptions.read(minimal()).deadLetterBuffer())
                .isEqualTo(new DeadLetterBuffer.Limits(10_000, 64L << 20, Duration.ofSeconds(10)));

        Configuration conf = minimal();
        conf.setString("kafka.dead-letter-buffer.max-records", "50");
        conf.setString("kafka.dead-letter-buffer.max-bytes", "2 mb");
        conf.setString("kafka.dead-letter-buffer.flush-timeout", "1 s");
        assertThat(KafkaOptions.read(conf).deadLetterBuffer())
                .isEqualTo(new DeadLetterBuffer.Limits(50, 2L << 20, Duration.ofSeconds(1)));
    }

    @Test
    void theDeadLetterProducerTimeoutsDefaultShortUnlessTheFileSetsThem() {
        Map<String, Object> defaults =
                DeadLetterBuffer.producerConfig(Map.of("bootstrap.servers", "h:1"));
        assertThat(defaults)
                .containsEntry("max.block.ms", "5000")
                .containsEntry("delivery.timeout.ms", "30000")
                .containsEntry("request.timeout.ms", "10000")
                .containsEntry("acks", "all")
                .containsEntry("enable.idempotence", "true");

        // Kafka requires delivery >= linger + request timeout: a file's own timeouts are kept
        // whole.
        Map<String, Object> own =
                DeadLetterBuffer.producerConfig(
                        Map.of(
                                "bootstrap.servers",
                                "h:1",
                                "request.timeout.ms",
                                "60000",
                                "max.block.ms",
                                "1000"));
        assertThat(own)
                .containsEntry("request.timeout.ms", "60000")
                .containsEntry("max.block.ms", "1000")
                .doesNotContainKey("delivery.timeout.ms");
    }

    private static void assertRejected(String key, String value, String message) {
        Configuration conf = minimal();
        conf.setString(key, value);
        assertThatThrownBy(() -> KafkaOptions.read(conf))
                .as(key + "=" + value)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    @SuppressWarnings("deprecation")
    void startingOffsetsBecomeInitializers() {
        assertThat(StartingOffsets.parse("committed").initializer().getAutoOffsetResetStrategy())
                .as("no committed offset: start at the earliest")
                .isEqualTo(OffsetResetStrategy.EARLIEST);
        assertThat(StartingOffsets.parse("earliest").initializer().getAutoOffsetResetStrategy())
                .isEqualTo(OffsetResetStrategy.EARLIEST);
        assertThat(StartingOffsets.parse("latest").initializer().getAutoOffsetResetStrategy())
                .isEqualTo(OffsetResetStrategy.LATEST);
        StartingOffsets timestamp = StartingOffsets.parse("timestamp:1767607200000");
        assertThat(timestamp.mode()).isEqualTo(StartingOffsets.Mode.TIMESTAMP);
        assertThat(timestamp.timestampMillis()).isEqualTo(1767607200000L);
        assertThat(timestamp).hasToString("timestamp:1767607200000");
        assertThat(timestamp.initializer()).isNotNull();
    }

    @Test
    void propertiesFileAddsClientSettingsAndBuiltInProviderClasses() throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "security.protocol=SASL_SSL",
                        "sasl.mechanism=SCRAM-SHA-512",
                        "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule"
                                + " required username=\"alice-the-user\""
                                + " password=\"${env:KAFKA_PASSWORD}\";",
                        "ssl.truststore.location=/etc/kafka/truststore.p12",
                        "ssl.truststore.password=${file:/run/secrets/kafka.properties:truststore}",
                        "config.providers=env, file",
                        ""));
        Configuration conf = minimal();
        conf.setString("kafka.properties-file", file.toString());

        KafkaOptions.Settings settings = KafkaOptions.read(conf);

        assertThat(settings.clientProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry(
                        "config.providers.env.class",
                        "org.apache.kafka.common.config.provider.EnvVarConfigProvider")
                .containsEntry(
                        "config.providers.file.class",
                        "org.apache.kafka.common.config.provider.FileConfigProvider");
        assertThat(settings.clientConfig())
                .containsEntry("bootstrap.servers", "127.0.0.1:19092")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThat(settings.toString())
                .contains(
                        "security.protocol=SASL_SSL",
                        "sasl.jaas.config=[redacted]",
                        "ssl.truststore.password=[redacted]")
                .doesNotContain("alice-the-user", "KAFKA_PASSWORD", "truststore}");
    }

    @Test
    void propertiesFileMustNotSetWhatOptionsOwn() throws Exception {
        for (String key : List.of("bootstrap.servers", "group.id", "value.deserializer")) {
            Path file = dir.resolve(key + ".properties");
            Files.writeString(file, key + "=x\n");
            Configuration conf = minimal();
            conf.setString("kafka.properties-file", file.toString());
            assertThatThrownBy(() -> KafkaOptions.read(conf))
                    .hasMessageContaining("must not set '" + key + "'");
        }
    }

    @Test
    void unknownProviderAliasNeedsAClass() throws Exception {
        Path file = dir.resolve("vault.properties");
        Files.writeString(file, "config.providers=vault\n");
        Configuration conf = minimal();
        conf.setString("kafka.properties-file", file.toString());

        assertThatThrownBy(() -> KafkaOptions.read(conf))
                .hasMessageContaining(
                        "config provider 'vault' needs 'config.providers.vault.class'");

        Files.writeString(
                file, "config.providers=vault\nconfig.providers.vault.class=com.example.Vault\n");
        assertThat(KafkaOptions.read(conf).clientProperties())
                .containsEntry("config.providers.vault.class", "com.example.Vault");
    }
}
