package io.sshdnetcon.kafka;

import io.sshdnetcon.rule.ExclusionSet;
import io.sshdnetcon.rule.ExclusionSetJson;
import io.sshdnetcon.rule.ExclusionUpdate;
import io.sshdnetcon.rule.InvalidExclusionSetException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The compacted exclusions control topic: one record per published version.
 *
 * <p>The key is {@code v} plus the zero-padded version ({@link #key}), so compaction keeps every
 * version rather than only the last record: an invalid record published later by some other tool
 * can never compact away the last valid set. Readers take the highest valid version and ignore
 * invalid records and tombstones, exactly as the job's control stream does ({@link
 * ExclusionUpdateDeserializer}); to withdraw a set, publish a higher version.
 */
public final class ExclusionTopic {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final Duration POLL = Duration.ofMillis(200);

    private ExclusionTopic() {}

    /** {@code v0000000000000000007} for version 7: 19 digits hold every non-negative long. */
    public static String key(long version) {
        return String.format("v%019d", version);
    }

    /** What {@link #publish} did. */
    public record Published(long version, int partition, long offset, boolean alreadyPresent) {}

    /** A valid set as found on the topic, with the exact bytes it was published as. */
    public record ValidRecord(
            ExclusionSet set, byte[] json, int partition, long offset, long timestamp) {}

    /** A record that is not a valid exclusion set; the job dead-letters these. */
    public record InvalidRecord(int partition, long offset, String problem) {}

    /**
     * Everything on the topic up to the end offsets at the time of reading.
     *
     * @param records records read, tombstones included
     * @param validRecords records holding a valid set
     * @param invalid records that are not valid sets, in partition and offset order
     * @param tombstones records without a value
     * @param latest the valid set with the highest version
     */
    public record Contents(
            long records,
            long validRecords,
            List<InvalidRecord> invalid,
            long tombstones,
            Optional<ValidRecord> latest) {}

    /**
     * Publishes {@code set} as JSON (see {@link #publish(Map, String, byte[], Duration)}).
     *
     * @throws InvalidExclusionSetException if the set is invalid or not newer than the topic's
     */
    public static Published publish(Map<String, String> clientConfig, String topic, ExclusionSet set) {
        return publish(clientConfig, topic, ExclusionSetJson.write(set), DEFAULT_TIMEOUT);
    }

    /**
     * Validates {@code json} and publishes it unchanged (a description survives) under {@link
     * #key}, waiting for the acknowledgement of all in-sync replicas.
     *
     * <p>Nothing is published when the set is invalid, or when its version is not higher than the
     * topic's latest valid version: the running job ignores such a set, yet after compaction it
     * could replace the one the job applied. Re-publishing the same lists under the same version
     * does nothing and reports {@link Published#alreadyPresent()}.
     *
     * @throws InvalidExclusionSetException naming the problem; nothing was published
     */
    public static Published publish(
            Map<String, String> clientConfig, String topic, byte[] json, Duration timeout) {
        ExclusionSet set = ExclusionSetJson.parse(json);
        Optional<ValidRecord> current = read(clientConfig, topic, timeout).latest();
        if (current.isPresent()) {
            ValidRecord latest = current.get();
            long version = latest.set().version();
            if (version == set.version() && latest.set().equals(set)) {
                return new Published(version, latest.partition(), latest.offset(), true);
            }
            if (version >= set.version()) {
                throw new InvalidExclusionSetException(
                        "version " + set.version() + " is not higher than version " + version
                                + " already on topic '" + topic + "'"
                                + (version == set.version() ? " with different lists" : "")
                                + "; the job only applies a higher version, so publish version "
                                + (version + 1) + " or higher");
            }
        }
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(ClientProperties.durableProducer(clientConfig))) {
            RecordMetadata sent =
                    producer.send(
                                    new ProducerRecord<>(
                                            topic,
                                            key(set.version()).getBytes(StandardCharsets.UTF_8),
                                            json))
                            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Published(set.version(), sent.partition(), sent.offset(), false);
        } catch (ExecutionException e) {
            throw new KafkaException(
                    "cannot publish to '" + topic + "': " + e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TimeoutException(
                    "no acknowledgement from '" + topic + "' within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while publishing to '" + topic + "'", e);
        }
    }

    /**
     * The highest valid version on the topic, read from the beginning of every partition to its end
     * offset at call time. The job calls this at start-up, so its first events are judged with the
     * right set.
     *
     * @throws UnknownTopicOrPartitionException if the topic does not exist
     * @throws TimeoutException if the topic could not be read within {@code timeout}
     */
    public static Optional<ExclusionSet> readLatestValid(
            Map<String, String> clientConfig, String topic, Duration timeout) {
        return read(clientConfig, topic, timeout).latest().map(ValidRecord::set);
    }

    /**
     * Reads the whole topic up to its end offsets at call time.
     *
     * @throws UnknownTopicOrPartitionException if the topic does not exist
     * @throws TimeoutException if the topic could not be read within {@code timeout}
     */
    public static Contents read(Map<String, String> clientConfig, String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(clientConfig))) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new UnknownTopicOrPartitionException(
                        "topic '" + topic + "' does not exist; create it compacted, for example"
                                + " scripts/kafka.sh create-topic " + topic + " --compact");
            }
            List<TopicPartition> partitions = new ArrayList<>();
            infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            partitions.sort(Comparator.comparingInt(TopicPartition::partition));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, remaining(deadline));

            Reading reading = new Reading();
            List<TopicPartition> pending = new ArrayList<>(partitions);
            while (true) {
                pending.removeIf(p -> consumer.position(p, remaining(deadline)) >= end.get(p));
                consumer.pause(partitions.stream().filter(p -> !pending.contains(p)).toList());
                if (pending.isEmpty()) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException(
                            "read " + reading.records + " records of '" + topic + "' but not to its"
                                    + " end within " + timeout + "; still missing " + pending);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() < end.get(partition)) {
                        reading.add(record);
                    }
                }
            }
            return reading.contents();
        }
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private static Map<String, Object> consumerConfig(Map<String, String> clientConfig) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        // Positions come from seekToBeginning; nothing is committed, so no group is needed.
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return config;
    }

    /** Tallies records in reading order; the latest valid set is the highest version. */
    private static final class Reading {
        private long records;
        private long valid;
        private long tombstones;
        private final List<InvalidRecord> invalid = new ArrayList<>();
        private ValidRecord latest;

        void add(ConsumerRecord<byte[], byte[]> record) {
            records++;
            if (record.value() == null) {
                tombstones++;
                return;
            }
            ExclusionUpdate update = ExclusionUpdateDeserializer.toUpdate(record);
            if (update.set() == null) {
                invalid.add(
                        new InvalidRecord(record.partition(), record.offset(), update.rejected().detail()));
                return;
            }
            valid++;
            // Equal versions share a key, hence a partition: the later record is the one
            // compaction keeps.
            if (latest == null || update.set().version() >= latest.set().version()) {
                latest =
                        new ValidRecord(
                                update.set(),
                                record.value(),
                                record.partition(),
                                record.offset(),
                                record.timestamp());
            }
        }

        Contents contents() {
            invalid.sort(
                    Comparator.comparingInt(InvalidRecord::partition)
                            .thenComparingLong(InvalidRecord::offset));
            return new Contents(records, valid, List.copyOf(invalid), tombstones, Optional.ofNullable(latest));
        }
    }
}
