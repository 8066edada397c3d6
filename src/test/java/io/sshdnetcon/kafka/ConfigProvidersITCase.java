package io.sshdnetcon.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.sshdnetcon.testing.RealKafka;
import io.sshdnetcon.tools.ExclusionsTool;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka config providers resolve placeholders inside kafka-clients 4.2.0 consumers and producers,
 * so secrets can stay in files or environment variables. Each check has a control run without the
 * provider, which shows the placeholder would otherwise be used literally.
 */
class ConfigProvidersITCase {

    @RegisterExtension static final RealKafka KAFKA = new RealKafka();

    @TempDir Path dir;

    private KafkaOptions.Settings settings(String properties) throws Exception {
        Path file = dir.resolve("client-" + UUID.randomUUID() + ".properties");
        Files.writeString(file, properties);
        Configuration conf = new Configuration();
        conf.setString(KafkaOptions.BOOTSTRAP_SERVERS.key(), KAFKA.bootstrap());
        conf.setString(KafkaOptions.EVENTS_TOPICS.key(), "unused");
        conf.setString(KafkaOptions.PROPERTIES_FILE.key(), file.toString());
        return KafkaOptions.read(conf);
    }

    @Test
    void fileProviderValuesReachTheBrokerFromConsumersAndProducers() throws Exception {
        String topic = KAFKA.createTopic("it-providers", 1, false);
        String secretClientId = "resolved-" + UUID.randomUUID();
        Path secrets = dir.resolve("secrets.properties");
        Files.writeString(secrets, "client=" + secretClientId + "\n");
        String placeholder = "${file:" + secrets + ":client}";

        KafkaOptions.Settings withProvider =
                settings("config.providers=file\nclient.id=" + placeholder + "\n");
        assertThat(withProvider.toString()).contains("client.id=" + placeholder);

        assertThat(clientIdSeenByBroker(withProvider.clientConfig(), topic))
                .containsExactly(secretClientId);
        assertThat(producerClientId(withProvider.clientConfig(), topic)).isEqualTo(secretClientId);

        KafkaOptions.Settings withoutProvider = settings("client.id=" + placeholder + "\n");
        assertThat(clientIdSeenByBroker(withoutProvider.clientConfig(), topic))
                .as("control: without config.providers the placeholder is taken literally")
                .containsExactly(placeholder);
    }

    @Test
    void envProviderResolvesInTheExclusionsTool() throws Exception {
        String topic = KAFKA.createTopic("it-providers-env", 1, true);
        io.sshdnetcon.rule.ExclusionSet defaults = io.sshdnetcon.rule.ExclusionSetJson.defaults();
        ExclusionTopic.publish(
                KAFKA.clientConfig(),
                topic,
                new io.sshdnetcon.rule.ExclusionSet(
                        1,
                        defaults.destinationCidrs(),
                        defaults.processExecutables(),
                        defaults.processNames()));
        Path properties = dir.resolve("env-client.properties");
        // With an unresolved placeholder the client refuses "${env:...}" as a security protocol.
        Files.writeString(
                properties,
                "config.providers=env\nsecurity.protocol=${env:SSHDNETCON_IT_SECURITY_PROTOCOL}\n");
        List<String> command =
                List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        ExclusionsTool.class.getName(),
                        "show",
                        "--bootstrap-servers",
                        KAFKA.bootstrap(),
                        "--topic",
                        topic,
                        "--properties-file",
                        properties.toString(),
                        "--timeout-ms",
                        "15000");

        Result resolved = run(command, Map.of("SSHDNETCON_IT_SECURITY_PROTOCOL", "PLAINTEXT"));
        assertThat(resolved.status).as(resolved.output).isZero();
        assertThat(resolved.output).contains("version in force: 1");

        Result unresolved = run(command, Map.of());
        assertThat(unresolved.status).as(unresolved.output).isEqualTo(1);
        assertThat(unresolved.output).contains("security.protocol");
    }

    private List<String> clientIdSeenByBroker(Map<String, String> clientConfig, String topic) {
        String group = "it-providers-" + UUID.randomUUID();
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        config.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.assignment().isEmpty()) {
                assertThat(System.nanoTime()).as("joined the group in time").isLessThan(deadline);
                consumer.poll(Duration.ofMillis(200));
            }
            return KAFKA.groupClientIds(group);
        }
    }

    private static String producerClientId(Map<String, String> clientConfig, String topic)
            throws Exception {
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(ClientProperties.durableProducer(clientConfig))) {
            producer.send(new ProducerRecord<>(topic, "x".getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS);
            return producer.metrics().keySet().stream()
                    .map(name -> name.tags().get("client-id"))
                    .filter(id -> id != null)
                    .findFirst()
                    .orElseThrow();
        }
    }

    private record Result(int status, String output) {}

    private Result run(List<String> command, Map<String, String> env) throws Exception {
        File output = dir.resolve("tool-" + UUID.randomUUID() + ".log").toFile();
        ProcessBuilder builder =
                new ProcessBuilder(new ArrayList<>(command))
                        .redirectErrorStream(true)
                        .redirectOutput(output);
        builder.environment().remove("SSHDNETCON_IT_SECURITY_PROTOCOL");
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(
                    "tool did not finish: " + Files.readString(output.toPath()));
        }
        return new Result(process.exitValue(), Files.readString(output.toPath()));
    }
}
