package io.sshdnetcon.tools;

import io.sshdnetcon.file.Gzip;
import io.sshdnetcon.file.NdjsonLines;
import io.sshdnetcon.job.CommandLine;
import io.sshdnetcon.kafka.ClientProperties;
import io.sshdnetcon.kafka.HostIdKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * {@code scripts/produce-events.sh}: streams an NDJSON file of ECS events into the events topic,
 * one record per line. The value is the line's bytes as they are (without the line terminator); the
 * key is {@code host.id}, so each host's events stay in one partition and in file order.
 */
public final class ProduceEventsTool {

    public static final String DEFAULT_TOPIC = "sshd-netcon-events";

    static final String USAGE =
            """
            Usage: scripts/produce-events.sh --events FILE|- [options]

            Streams newline-delimited ECS events into Kafka, one record per line: the value is
            the line's bytes unchanged (a trailing \\r and a leading byte-order mark are not part
            of the event), the key is host.id (no key when the line has none). Empty lines are
            skipped. A summary goes to stdout at the end.

              --events FILE           NDJSON input (gzip is detected and decompressed); - reads stdin
              --bootstrap-servers B   Kafka brokers (the script defaults to $KAFKA_BOOTSTRAP,
                                      else the local scripts/kafka.sh broker)
              --topic T               events topic (default sshd-netcon-events)
              --rate N                at most N events per second (default: unlimited)
              --properties-file F     extra client settings (security.protocol, sasl.*, ssl.*,
                                      tuning; ${env:NAME} / ${file:/path:key} placeholders)
              --help                  this text

            Exit status: 0 all records acknowledged, 1 input or Kafka error, 2 usage error.
            """;

    private static final Set<String> FLAGS =
            Set.of(
                    "--events",
                    ToolClients.BOOTSTRAP_SERVERS,
                    "--topic",
                    "--rate",
                    ToolClients.PROPERTIES_FILE);

    private static final long TOPIC_CHECK_SECONDS = 30;

    /** Lines are kept whole up to this size; the producer refuses far smaller records anyway. */
    static final int MAX_LINE_BYTES = 1 << 28;

    private ProduceEventsTool() {}

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** What was sent. */
    record Summary(
            long records, long bytes, long unkeyed, long emptyLines, long failed, long nanos) {

        String line(String topic) {
            double seconds = nanos / 1e9;
            return String.format(
                    "produced %d records (%d bytes) to %s in %.2f s: %.0f records/s;"
                            + " %d without host.id, %d empty lines skipped, %d failed",
                    records - failed,
                    bytes,
                    topic,
                    seconds,
                    seconds > 0 ? (records - failed) / seconds : 0.0,
                    unkeyed,
                    emptyLines,
                    failed);
        }
    }

    /** Runs the tool; returns the exit status. */
    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        CommandLine command;
        Map<String, String> config;
        String topic;
        String events;
        long rate;
        try {
            command = CommandLine.parse(args, FLAGS);
            if (command.help()) {
                out.print(USAGE);
                return CommandLine.EXIT_OK;
            }
            if (!command.positional().isEmpty()) {
                throw new CommandLine.UsageException(
                        "unexpected argument '" + command.positional().get(0) + "'");
            }
            events = command.required("--events");
            config = ToolClients.config(command);
            topic = ToolClients.topic(command, DEFAULT_TOPIC);
            rate = command.positive("--rate", 0);
        } catch (CommandLine.UsageException e) {
            err.println("produce-events: " + e.getMessage());
            err.print(USAGE);
            return CommandLine.EXIT_USAGE;
        }
        try (InputStream in = open(events, stdin)) {
            requireTopic(config, topic);
            Summary summary = produce(in, config, topic, rate, err);
            out.println(summary.line(topic));
            return summary.failed() == 0 ? CommandLine.EXIT_OK : CommandLine.EXIT_FAILED;
        } catch (IOException e) {
            err.println("produce-events: cannot read " + events + ": " + ToolClients.describe(e));
            return CommandLine.EXIT_FAILED;
        } catch (KafkaException e) {
            err.println("produce-events: " + e.getMessage());
            return CommandLine.EXIT_FAILED;
        }
    }

    static Summary produce(
            InputStream in, Map<String, String> config, String topic, long rate, PrintStream err)
            throws IOException {
        AtomicLong failed = new AtomicLong();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        long records = 0;
        long bytes = 0;
        long unkeyed = 0;
        long empty = 0;
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(config))) {
            NdjsonLines lines = new NdjsonLines(in, MAX_LINE_BYTES);
            while (lines.next()) {
                if (lines.truncated()) {
                    // Far beyond any broker's message.max.bytes: it could never be sent.
                    failed.incrementAndGet();
                    err.println(
                            "produce-events: line "
                                    + lines.lineNumber()
                                    + " was not sent: "
                                    + lines.fullLength()
                                    + " bytes, over "
                                    + MAX_LINE_BYTES);
                    continue;
                }
                byte[] line = lines.copy();
                if (line.length == 0) {
                    empty++;
                    continue;
                }
                if (rate > 0) {
                    long due = start + records * TimeUnit.SECONDS.toNanos(1) / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                String hostId = HostIdKey.find(line, 0, line.length);
                if (hostId == null) {
                    unkeyed++;
                }
                byte[] key = hostId == null ? null : hostId.getBytes(StandardCharsets.UTF_8);
                long lineNumber = lines.lineNumber();
                producer.send(
                        new ProducerRecord<>(topic, key, line),
                        (metadata, error) -> {
                            if (error != null) {
                                failed.incrementAndGet();
                                if (firstFailure.compareAndSet(null, error)) {
                                    err.println(
                                            "produce-events: line "
                                                    + lineNumber
                                                    + " was not"
                                                    + " written: "
                                                    + error);
                                }
                            }
                        });
                records++;
                bytes += line.length;
            }
            producer.flush();
        }
        return new Summary(records, bytes, unkeyed, empty, failed.get(), System.nanoTime() - start);
    }

    /** Throughput settings first; the properties file may tune them; durability is fixed. */
    static Map<String, Object> producerConfig(Map<String, String> config) {
        Map<String, Object> producer = new HashMap<>();
        producer.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        producer.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        producer.putAll(ClientProperties.durableProducer(config));
        return producer;
    }

    /** Fails fast and clearly, instead of the producer's one-minute metadata wait. */
    private static void requireTopic(Map<String, String> config, String topic) {
        try (Admin admin = Admin.create(ClientProperties.forClient(config))) {
            Map<String, TopicDescription> found =
                    admin.describeTopics(List.of(topic))
                            .allTopicNames()
                            .get(TOPIC_CHECK_SECONDS, TimeUnit.SECONDS);
            if (found.get(topic).partitions().isEmpty()) {
                throw new KafkaException("topic '" + topic + "' has no partitions");
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new KafkaException(
                        "topic '"
                                + topic
                                + "' does not exist; create it first, for example"
                                + " scripts/kafka.sh create-topic "
                                + topic
                                + " --partitions 4");
            }
            throw new KafkaException("cannot describe topic '" + topic + "': " + e.getCause(), e);
        } catch (TimeoutException e) {
            throw new KafkaException(
                    "no answer from Kafka at "
                            + config.get("bootstrap.servers")
                            + " within "
                            + TOPIC_CHECK_SECONDS
                            + " s",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted", e);
        }
    }

    /** A file or stdin, decompressed when it is gzip. */
    private static InputStream open(String events, InputStream stdin) throws IOException {
        return Gzip.decompressIfGzip(
                events.equals("-") ? stdin : Files.newInputStream(Path.of(events)));
    }
}
