package io.sshdnetcon.kafka;

import io.sshdnetcon.rule.ExclusionPolicy;
import io.sshdnetcon.rule.ExclusionSet;
import io.sshdnetcon.rule.ExclusionSetJson;
import io.sshdnetcon.rule.ExclusionUpdate;
import io.sshdnetcon.rule.InvalidExclusionSetException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
 * can never compact away the last valid set. Readers ignore invalid records and tombstones and
 * apply the valid sets in version order from the job's configured set, each only if the job's
 * {@link ExclusionPolicy} allows it ({@link ExclusionPolicy#chain}), exactly as the job's control
 * stream does; to withdraw a set, publish a higher version. A record no reader should see again
 * (say, a refused version far ahead) can be deleted by writing a tombstone under its key.
 */
public final class ExclusionTopic {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final Duration POLL = Duration.ofMillis(200);

    private ExclusionTopic() {}

    /** {@code v0000000000000000007} for version 7: 19 digits hold every non-negative long. */
    public static String key(long version) {
        return String.format("v%019d", version);
    }

    /**
     * How the job judges the topic: its {@link ExclusionPolicy} and the version of its configured
     * set (detector.exclusions-file, or 0 for the rule's defaults), where the chain starts.
     */
    public record Judging(ExclusionPolicy policy, long baseVersion) {

        /** A job with the default policy and the rule's defaults. */
        public static final Judging DEFAULTS = new Judging(ExclusionPolicy.DEFAULTS, 0);

        ExclusionSet base() {
            return new ExclusionSet(baseVersion, List.of(), List.of(), List.of());
        }
    }

    /** What {@link #publish} did. */
    public record Published(long version, int partition, long offset, boolean alreadyPresent) {}

    /**
     * A valid set as found on the topic, with the exact bytes it was published as, and its key (a
     * later tombstone under the same key removes it).
     */
    public record ValidRecord(
            ExclusionSet set,
            byte[] json,
            int partition,
            long offset,
            long timestamp,
            byte[] key) {}

    /** A record that is not a valid exclusion set; the job dead-letters these. */
    public record InvalidRecord(int partition, long offset, String problem) {}

    /**
     * Everything on the topic up to the end offsets at the time of reading.
     *
     * @param records records read, tombstones included
     * @param invalid records that are not valid sets, in partition and offset order
     * @param tombstones records without a value
     * @param valid records holding a valid set, in reading order, without those a later tombstone
     *     deleted
     */
    public record Contents(
            long records, List<InvalidRecord> invalid, long tombstones, List<ValidRecord> valid) {

        public long validRecords() {
            return valid.size();
        }

        /** The set the job would apply, given how it judges the topic. */
        public InForce inForce(Judging judging) {
            ExclusionPolicy.Chain chain =
                    judging.policy()
                            .chain(judging.base(), valid.stream().map(ValidRecord::set).toList());
            // Equal versions share a key, hence a partition: the last read is the one in force.
            ValidRecord record = null;
            for (ValidRecord candidate : valid) {
                if (candidate.set().equals(chain.newest())) {
                    record = candidate;
                }
            }
            return new InForce(Optional.ofNullable(record), chain.refused());
        }
    }

    /**
     * @param record the record of the set in force, empty if no set on the topic is newer than the
     *     job's configured set
     * @param refused valid sets the job's policy refuses, in version order
     */
    public record InForce(Optional<ValidRecord> record, List<ExclusionPolicy.Refusal> refused) {}

    /**
     * Publishes {@code set} as JSON for a job with the default policy and the rule's defaults (see
     * {@link #publish(Map, String, byte[], Duration, Judging)}).
     *
     * @throws InvalidExclusionSetException if the job would not apply the set
     */
    public static Published publish(
            Map<String, String> clientConfig, String topic, ExclusionSet set) {
        return publish(
                clientConfig,
                topic,
                ExclusionSetJson.write(set),
                DEFAULT_TIMEOUT,
                Judging.DEFAULTS);
    }

    /**
     * Validates {@code json} and publishes it unchanged (a description survives) under {@link
     * #key}, waiting for the acknowledgement of all in-sync replicas.
     *
     * <p>Nothing is published when the job, judging as {@code judging} says, would not apply the
     * set: invalid, excluding every address of a family (unless the policy allows it), not higher
     * than the version in force (the job ignores it, yet after compaction it could replace the one
     * the job applied), or too far ahead of it. Re-publishing the set in force under its version
     * does nothing and reports {@link Published#alreadyPresent()}.
     *
     * @throws InvalidExclusionSetException naming the problem; nothing was published
     */
    public static Published publish(
            Map<String, String> clientConfig,
            String topic,
            byte[] json,
            Duration timeout,
            Judging judging) {
        ExclusionSet set = ExclusionSetJson.parse(json);
        judging.policy().checkCoverage(set);
        Optional<ValidRecord> current =
                read(clientConfig, topic, timeout).inForce(judging).record();
        long version = current.map(r -> r.set().version()).orElse(judging.baseVersion());
        if (current.isPresent() && version == set.version() && current.get().set().equals(set)) {
            ValidRecord latest = current.get();
            return new Published(version, latest.partition(), latest.offset(), true);
        }
        if (version >= set.version()) {
            throw new InvalidExclusionSetException(
                    "version "
                            + set.version()
                            + " is not higher than version "
                            + version
                            + (current.isPresent()
                                    ? " in force on topic '" + topic + "'"
                                    : " of the job's configured set")
                            + (version == set.version() ? " with different lists" : "")
                            + "; the job only applies a higher version, so publish version "
                            + (version + 1)
                            + " or higher");
        }
        judging.policy().checkStep(version, set);
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
                    "cannot publish to '" + topic + "': " + e.getCause().getMessage(),
                    e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TimeoutException(
                    "no acknowledgement from '" + topic + "' within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while publishing to '" + topic + "'", e);
        }
    }

    /**
     * The set the job applies: its configured set {@code base}, then the valid sets of the topic in
     * version order as far as {@code policy} allows, read from the beginning of every partition to
     * its end offset at call time. The job calls this at start-up, so its first events are judged
     * with the right set.
     *
     * @throws UnknownTopicOrPartitionException if the topic does not exist
     * @throws TimeoutException if the topic could not be read within {@code timeout}
     */
    public static ExclusionPolicy.Chain readInForce(
            Map<String, String> clientConfig,
            String topic,
            Duration timeout,
            ExclusionSet base,
            ExclusionPolicy policy) {
        List<ExclusionSet> sets =
                read(clientConfig, topic, timeout).valid().stream().map(ValidRecord::set).toList();
        return policy.chain(base, sets);
    }

    /**
     * Reads the whole topic up to its end offsets at call time.
     *
     * @throws UnknownTopicOrPartitionException if the topic does not exist
     * @throws TimeoutException if the topic could not be read within {@code timeout}
     */
    public static Contents read(Map<String, String> clientConfig, String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(consumerConfig(clientConfig))) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new UnknownTopicOrPartitionException(
                        "topic '"
                                + topic
                                + "' does not exist; create it compacted, for example"
                                + " scripts/kafka.sh create-topic "
                                + topic
                                + " --compact");
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
                            "read "
                                    + reading.records
                                    + " records of '"
                                    + topic
                                    + "' but not to its"
                                    + " end within "
                                    + timeout
                                    + "; still missing "
                                    + pending);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    TopicPartition partition =
                            new TopicPartition(record.topic(), record.partition());
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
        config.put(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        config.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        // Positions come from seekToBeginning; nothing is committed, so no group is needed.
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return config;
    }

    /** Tallies records in reading order. */
    private static final class Reading {
        private long records;
        private long tombstones;
        private final List<InvalidRecord> invalid = new ArrayList<>();
        private final List<ValidRecord> valid = new ArrayList<>();

        void add(ConsumerRecord<byte[], byte[]> record) {
            records++;
            if (record.value() == null) {
                tombstones++;
                // What compaction will do anyway: the key's earlier records are gone. Until
                // then a job started fresh still reads them, and refuses them again.
                valid.removeIf(
                        v ->
                                v.partition() == record.partition()
                                        && Arrays.equals(v.key(), record.key()));
                return;
            }
            ExclusionUpdate update = ExclusionUpdateDeserializer.toUpdate(record);
            if (update.set() == null) {
                invalid.add(
                        new InvalidRecord(
                                record.partition(), record.offset(), update.rejected().detail()));
                return;
            }
            valid.add(
                    new ValidRecord(
                            update.set(),
                            record.value(),
                            record.partition(),
                            record.offset(),
                            record.timestamp(),
                            record.key()));
        }

        Contents contents() {
            invalid.sort(
                    Comparator.comparingInt(InvalidRecord::partition)
                            .thenComparingLong(InvalidRecord::offset));
            return new Contents(records, List.copyOf(invalid), tombstones, List.copyOf(valid));
        }
    }
}
