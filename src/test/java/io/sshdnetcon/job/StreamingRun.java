package io.sshdnetcon.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.kafka.HostIdKey;
import io.sshdnetcon.testing.ElasticsearchQueries;
import io.sshdnetcon.testing.LocalElasticsearch;
import io.sshdnetcon.testing.RealKafka;
import io.sshdnetcon.testing.SpecEvents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * One streaming job's world on the real servers, for tests that stop and restore the job: its
 * topics and data stream, its settings, and events sent at event times the test chooses.
 *
 * <p>Event time is driven by the test, never by the wall clock: every run uses a bound of 1 s and
 * an idleness of 10 minutes, so a host never flushes on its own, and {@link #advanceEventTime}
 * writes an irrelevant event for every host the run has used, which moves that host's release
 * frontier to exactly that time minus 1001 ms. Times are milliseconds after {@link
 * SpecEvents#BEGINNING}.
 */
final class StreamingRun implements AutoCloseable {

    /** {@code detector.max-out-of-orderness} of every run. */
    static final Duration BOUND = Duration.ofSeconds(1);

    /**
     * Filler this long after an exec moves the watermark past the exec (to exec + 499 ms) but not
     * past the end of its window (exec + 1001 ms): the exec is then a partial match in CEP's NFA,
     * not merely buffered, and a connection at exec + 500 ms is still on time.
     */
    static final long PARK_FILLER_AFTER = 1500;

    /** When the completing connection comes, after its exec: inside the 1 s window. */
    static final long CONNECT_AFTER = 500;

    /** Filler this long after an exec moves the watermark past its whole window. */
    static final long FLUSH_FILLER_AFTER = 3000;

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final RealKafka kafka;
    private final LocalElasticsearch elasticsearch;
    private final String eventsTopic;
    private final int partitions;
    private final String exclusionsTopic;
    private final String deadLetterTopic;
    private final String namespace;
    private final KafkaProducer<byte[], byte[]> producer;
    private int probesSent;

    /** Every host this run has sent an event for, in first-sent order. */
    private final Set<String> hosts = new LinkedHashSet<>();

    private JobClient job;

    StreamingRun(
            RealKafka kafka,
            LocalElasticsearch elasticsearch,
            String eventsTopic,
            int partitions,
            String exclusionsTopic,
            String deadLetterTopic,
            String namespace) {
        this.kafka = kafka;
        this.elasticsearch = elasticsearch;
        this.eventsTopic = eventsTopic;
        this.partitions = partitions;
        this.exclusionsTopic = exclusionsTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.namespace = namespace;
        this.producer = kafka.producer();
    }

    /** Fresh topics (events with {@code partitions} partitions) and a fresh data stream. */
    static StreamingRun create(
            RealKafka kafka, LocalElasticsearch elasticsearch, String name, int partitions) {
        return new StreamingRun(
                kafka,
                elasticsearch,
                kafka.createTopic(name + "-events", partitions, false),
                partitions,
                kafka.createTopic(name + "-exclusions", 1, true),
                kafka.createTopic(name + "-dead-letters", 1, false),
                uniqueNamespace(name));
    }

    /** A data stream namespace no other run uses ({@code a-z 0-9 . _} only). */
    static String uniqueNamespace(String name) {
        return name.replaceAll("[^a-z0-9]", "_") + System.nanoTime();
    }

    /** The job whose failure ends every wait at once, with its cause (instead of a time-out). */
    JobClient watch(JobClient job) {
        this.job = job;
        return job;
    }

    String eventsTopic() {
        return eventsTopic;
    }

    int partitions() {
        return partitions;
    }

    String exclusionsTopic() {
        return exclusionsTopic;
    }

    String deadLetterTopic() {
        return deadLetterTopic;
    }

    String namespace() {
        return namespace;
    }

    String dataStream() {
        return "logs-sshdnetcon.alerts-" + namespace;
    }

    /**
     * The streaming job's settings for this run.
     *
     * @param startingOffsets where the events source starts without a savepoint; restores use
     *     {@code latest}, so a job that did not restore its source would miss every earlier event
     * @param exclusionsTopic the control topic to configure (a restored source keeps reading the
     *     partitions in its state whatever this says)
     */
    StreamingJob.Settings settings(String startingOffsets, String exclusionsTopic) {
        return settings(startingOffsets, exclusionsTopic, Map.of());
    }

    /** As {@link #settings(String, String)}, with {@code extra} options on top. */
    StreamingJob.Settings settings(
            String startingOffsets, String exclusionsTopic, Map<String, String> extra) {
        Map<String, String> conf = new HashMap<>();
        conf.put("kafka.bootstrap-servers", kafka.bootstrap());
        conf.put("kafka.events-topics", eventsTopic);
        conf.put("kafka.exclusions-topic", exclusionsTopic);
        conf.put("kafka.dead-letter-topic", deadLetterTopic);
        conf.put("kafka.group-id", "it-" + namespace);
        conf.put("kafka.starting-offsets", startingOffsets);
        conf.put("detector.max-out-of-orderness", BOUND.toMillis() + " ms");
        conf.put("detector.idleness", "10 min");
        conf.put("es.hosts", elasticsearch.url());
        conf.put("es.namespace", namespace);
        conf.put("es.template.replicas", "0");
        conf.putAll(extra);
        return StreamingJob.Settings.read(Configuration.fromMap(conf));
    }

    StreamingJob.Settings settings(String startingOffsets) {
        return settings(startingOffsets, exclusionsTopic);
    }

    /**
     * Sends an event keyed by its {@code host.id}, as the product's tools do; waits for the ack.
     */
    RecordMetadata send(SpecEvents.Builder event) {
        byte[] bytes = event.bytes();
        String host = HostIdKey.find(bytes, 0, bytes.length);
        if (host != null) {
            hosts.add(host);
        }
        return send(null, host == null ? null : host.getBytes(StandardCharsets.UTF_8), bytes);
    }

    RecordMetadata send(Integer partition, byte[] key, byte[] value) {
        try {
            return producer.send(new ProducerRecord<>(eventsTopic, partition, key, value))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + eventsTopic, e);
        }
    }

    /**
     * An irrelevant event at {@code atMillis} from every host this run has sent events for: time is
     * per host, so each host's own time must move for its sequences to be judged.
     */
    void advanceEventTime(long atMillis) {
        for (String host : List.copyOf(hosts)) {
            send(filler(atMillis, host));
        }
    }

    /** An exec whose parent is not sshd, on {@code host}: never a candidate, but it moves time. */
    static SpecEvents.Builder filler(long atMillis, String host) {
        return SpecEvents.exec("filler-" + atMillis + "-" + host)
                .host(host)
                .entity("filler-" + host)
                .set("process.parent.executable", "/usr/bin/bash")
                .at(atMillis);
    }

    /**
     * Execs for {@code sequences} at {@code atMillis}, then proof that CEP has taken them: on each
     * of their hosts a probe sequence (exec at {@code atMillis}, connection 100 ms later) and
     * filler at {@code atMillis + 1500}, and wait until every probe's alert is in Elasticsearch.
     *
     * <p>Why a probe proves it: time is per host, and the probe's alert means its host's ordering
     * read the filler and released everything of that host up to {@code atMillis + 499}, the parked
     * execs and the probe's events in one go. A savepoint barrier injected later follows them on
     * every channel, so CEP takes the execs before its snapshot; each filler is the last record of
     * its host, so the source has then read every record sent.
     *
     * @return the execs as sent (partition and offset), in the order of {@code sequences}
     */
    List<RecordMetadata> parkExecs(long atMillis, List<Sequence> sequences) {
        List<RecordMetadata> sent = new ArrayList<>();
        for (Sequence sequence : sequences) {
            sent.add(send(sequence.exec(atMillis)));
        }
        List<Sequence> probes = new ArrayList<>();
        for (String host : sequences.stream().map(Sequence::host).distinct().toList()) {
            Sequence probe = new Sequence(host, "probe-" + probesSent++);
            probes.add(probe);
            send(
                    SpecEvents.exec(host + "-probe-E-" + probe.entity())
                            .host(host)
                            .entity(probe.entity())
                            .at(atMillis));
            send(probe.connect(probeConnectId(probe), atMillis + 100, "1.1.1.1"));
            send(filler(atMillis + PARK_FILLER_AFTER, host));
        }
        for (Sequence probe : probes) {
            awaitAlert(probeConnectId(probe));
        }
        return sent;
    }

    private static String probeConnectId(Sequence probe) {
        return probe.host() + "-probe-N-" + probe.entity();
    }

    /** How many probe sequences this run has sent, each alerted once. */
    int probesSent() {
        return probesSent;
    }

    /**
     * Sends probe sequences (to 1.1.1.1) until one is alerted under exclusion set {@code version},
     * starting at {@code fromMillis}, two seconds apart; returns the first free time after them.
     */
    long awaitExclusionsVersion(long version, long fromMillis) {
        long at = fromMillis;
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            Sequence probe = new Sequence("probe-" + probesSent++, "P");
            send(probe.exec(at));
            send(probe.connect(at + 100, "1.1.1.1"));
            advanceEventTime(at + PARK_FILLER_AFTER);
            at += 2000;
            JsonNode alert = awaitAlert(probe.connectId());
            if (alert.at("/detection/exclusions_version").asLong() == version) {
                return at;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "exclusion set version " + version + " never came in force");
            }
        }
    }

    /** Waits for the alert of connection {@code networkEventId} and returns its document. */
    JsonNode awaitAlert(String networkEventId) {
        List<JsonNode> found = new ArrayList<>();
        try {
            await(
                    "the alert for " + networkEventId,
                    () -> {
                        failIfTheJobFailed();
                        found.addAll(alertsFor(networkEventId));
                        return !found.isEmpty();
                    });
        } catch (AssertionError e) {
            throw new AssertionError(
                    e.getMessage()
                            + "; alerts (exec, connection, exclusions version): "
                            + alerts().stream()
                                    .map(
                                            a ->
                                                    a.at("/detection/exec_event_id").asText()
                                                            + ", "
                                                            + a.at("/detection/network_event_id")
                                                                    .asText()
                                                            + ", "
                                                            + a.at("/detection/exclusions_version")
                                                                    .asText())
                                    .toList(),
                    e.getCause());
        }
        return found.get(0);
    }

    private void failIfTheJobFailed() {
        if (job == null) {
            return;
        }
        JobStatus status;
        try {
            status = job.getJobStatus().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return; // not known (any more): nothing to say
        }
        if (status == JobStatus.FAILED) {
            Throwable cause;
            try {
                job.getJobExecutionResult().get(10, TimeUnit.SECONDS);
                cause = null;
            } catch (Exception e) {
                cause = e;
            }
            throw new AssertionError("the job failed", cause);
        }
    }

    /** The alerts of connection {@code networkEventId} (none while the data stream is missing). */
    List<JsonNode> alertsFor(String networkEventId) {
        return search("{\"term\":{\"detection.network_event_id\":\"" + networkEventId + "\"}}");
    }

    /** Every alert document in this run's data stream. */
    List<JsonNode> alerts() {
        return search("{\"match_all\":{}}");
    }

    private List<JsonNode> search(String query) {
        ElasticsearchQueries es = elasticsearch.queries();
        try {
            return es.search(dataStream(), query).stream().map(hit -> hit.get("_source")).toList();
        } catch (IOException e) {
            if (e.getMessage().contains("-> 404")) {
                return List.of(); // no alert yet, so no data stream yet
            }
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The end offset of every partition of {@code topic}, by partition. */
    Map<Integer, Long> endOffsets(String topic) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        config.put(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        config.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> topicPartitions =
                    consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            Map<Integer, Long> ends = new TreeMap<>();
            consumer.endOffsets(topicPartitions, Duration.ofSeconds(30))
                    .forEach((tp, end) -> ends.put(tp.partition(), end));
            return ends;
        }
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() {
        producer.close();
    }

    /**
     * One sequence of the rule on host {@code host}: an exec of entity {@code entity} by sshd, and
     * a connection by a child of that entity.
     */
    record Sequence(String host, String entity) {

        /** The partitioning and CEP key of both events. */
        String key() {
            return RuleEvent.sequenceKey(host, entity);
        }

        String execId() {
            return host + "-E";
        }

        String connectId() {
            return host + "-N";
        }

        SpecEvents.Builder exec(long atMillis) {
            return SpecEvents.exec(execId()).host(host).entity(entity).at(atMillis);
        }

        SpecEvents.Builder connect(long atMillis, String destination) {
            return connect(connectId(), atMillis, destination);
        }

        SpecEvents.Builder connect(String eventId, long atMillis, String destination) {
            return SpecEvents.connect(eventId)
                    .host(host)
                    .parentEntity(entity)
                    .destination(destination)
                    .at(atMillis);
        }
    }
}
