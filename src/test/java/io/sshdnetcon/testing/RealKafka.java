package io.sshdnetcon.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real local Kafka broker ({@link LocalStack#kafka}) with plain-client helpers for tests:
 * unique topics, raw produce with explicit partitions and null values, and reading a topic back to
 * its end. Register with {@code @RegisterExtension static final RealKafka KAFKA = new
 * RealKafka();}.
 */
public final class RealKafka implements BeforeAllCallback {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private String bootstrap;

    @Override
    public void beforeAll(ExtensionContext context) {
        bootstrap = LocalStack.kafka(context);
    }

    public String bootstrap() {
        return bootstrap;
    }

    /** Bootstrap servers only, as a client config map. */
    public Map<String, String> clientConfig() {
        return Map.of("bootstrap.servers", bootstrap);
    }

    /** Creates a topic whose name no other test uses. */
    public String createTopic(String prefix, int partitions, boolean compacted) {
        return createTopic(
                prefix, partitions, compacted ? Map.of("cleanup.policy", "compact") : Map.of());
    }

    /** Creates a topic whose name no other test uses, with topic-level {@code configs}. */
    public String createTopic(String prefix, int partitions, Map<String, String> configs) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            NewTopic topic = new NewTopic(name, partitions, (short) 1);
            topic.configs(configs);
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            awaitDescribable(admin, name, partitions);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + name, e);
        }
        return name;
    }

    /**
     * Waits until the broker describes {@code name} with a leader for every partition. KRaft
     * acknowledges a creation once the controller has committed it; the broker that answers the
     * next client may learn of it a moment later, and until then says the topic does not exist.
     */
    private static void awaitDescribable(Admin admin, String name, int partitions)
            throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try {
                TopicDescription description =
                        admin.describeTopics(List.of(name))
                                .allTopicNames()
                                .get(30, TimeUnit.SECONDS)
                                .get(name);
                if (description.partitions().size() == partitions
                        && description.partitions().stream().allMatch(p -> p.leader() != null)) {
                    return;
                }
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " is not described after its creation");
            }
            Thread.sleep(50);
        }
    }

    /** Deletes {@code name} and waits until the broker no longer lists it. */
    public void deleteTopic(String name) {
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            admin.deleteTopics(List.of(name)).all().get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(name)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " is still listed after deletion");
                }
                Thread.sleep(100);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot delete topic " + name, e);
        }
    }

    /**
     * Deletes {@code name} if it exists and creates it empty, under exactly that name (for state
     * that names its topics, such as a Kafka source's splits in a savepoint).
     */
    public void recreateTopic(String name, int partitions, boolean compacted) {
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(name)) {
                admin.deleteTopics(List.of(name)).all().get(30, TimeUnit.SECONDS);
            }
            NewTopic topic = new NewTopic(name, partitions, (short) 1);
            if (compacted) {
                topic.configs(Map.of("cleanup.policy", "compact"));
            }
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (true) {
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                    awaitDescribable(admin, name, partitions);
                    return;
                } catch (java.util.concurrent.ExecutionException e) {
                    // A deleted topic lingers for a moment; creating it again fails until it is
                    // gone.
                    if (!(e.getCause()
                                    instanceof org.apache.kafka.common.errors.TopicExistsException)
                            || System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(200);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot recreate topic " + name, e);
        }
    }

    public KafkaProducer<byte[], byte[]> producer() {
        return producer(Map.of());
    }

    /** A producer with some settings overridden (for example {@code max.request.size}). */
    public KafkaProducer<byte[], byte[]> producer(Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.putAll(overrides);
        return new KafkaProducer<>(config);
    }

    /** Sends one record (value may be null: a tombstone) and waits for its acknowledgement. */
    public RecordMetadata send(String topic, Integer partition, byte[] key, byte[] value) {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            return producer.send(new ProducerRecord<>(topic, partition, key, value))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + topic, e);
        }
    }

    /**
     * Every record of every partition, up to the end offsets at call time, by partition then
     * offset.
     */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        config.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic, TIMEOUT)
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        records.sort(
                Comparator.comparingInt((ConsumerRecord<byte[], byte[]> r) -> r.partition())
                        .thenComparingLong(ConsumerRecord::offset));
        return records;
    }

    /** The consumer group's members' client ids, as the broker reports them. */
    public List<String> groupClientIds(String group) {
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            return admin
                    .describeConsumerGroups(List.of(group))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .get(group)
                    .members()
                    .stream()
                    .map(member -> member.clientId())
                    .toList();
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe group " + group, e);
        }
    }

    /**
     * Writes a client properties file whose {@code security.protocol} is a Kafka file
     * config-provider placeholder (resolving to PLAINTEXT). A client that did not resolve
     * placeholders would see an invalid protocol and fail, so it proves providers work.
     */
    public static Path propertiesResolvedThroughFileProvider(Path dir) throws IOException {
        Path secrets = dir.resolve("secrets.properties");
        Files.writeString(secrets, "protocol=PLAINTEXT\n");
        Path client = dir.resolve("client.properties");
        Files.writeString(
                client,
                "config.providers=file\nsecurity.protocol=${file:" + secrets + ":protocol}\n");
        return client;
    }

    /** A header's value as UTF-8, if present. */
    public static Optional<String> header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null
                ? Optional.empty()
                : Optional.of(new String(header.value(), java.nio.charset.StandardCharsets.UTF_8));
    }
}
