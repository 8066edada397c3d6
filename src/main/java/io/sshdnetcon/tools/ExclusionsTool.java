package io.sshdnetcon.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sshdnetcon.job.CommandLine;
import io.sshdnetcon.kafka.ExclusionTopic;
import io.sshdnetcon.rule.ExclusionPolicy;
import io.sshdnetcon.rule.ExclusionSet;
import io.sshdnetcon.rule.InvalidExclusionSetException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.KafkaException;

/** {@code scripts/exclusions.sh}: publishes an exclusion set, or shows what the topic holds. */
public final class ExclusionsTool {

    public static final String DEFAULT_TOPIC = "sshd-netcon-exclusions";

    static final String USAGE =
            """
            Usage: scripts/exclusions.sh publish FILE [options]
                   scripts/exclusions.sh show [options]

            publish  validates the exclusion set in FILE (- reads stdin) and publishes it,
                     unchanged, to the compacted control topic with key v<version>. Nothing is
                     published when the job would not apply it: invalid, excluding every IPv4 or
                     every IPv6 address (unless --force), a version not higher than the set in
                     force, or more than the job's max version step ahead of it.
            show     reads the whole topic and prints the set the job applies (its version,
                     counts and JSON), the valid sets the job refuses, and the invalid records.

            The set in force is found as the job finds it: from the job's configured set, the
            topic's valid sets in version order, each within the step of the one before.

              --bootstrap-servers B   Kafka brokers (the script defaults to $KAFKA_BOOTSTRAP,
                                      else the local scripts/kafka.sh broker)
              --topic T               control topic (default sshd-netcon-exclusions)
              --properties-file F     extra client settings (security.protocol, sasl.*, ssl.*;
                                      ${env:NAME} / ${file:/path:key} with config.providers)
              --timeout-ms N          how long to wait for Kafka (default 30000)
              --force                 publish a set that excludes every IPv4 or IPv6 address;
                                      the job applies it only with
                                      detector.exclusions.allow-exclude-all: true
              --max-version-step N    the job's detector.exclusions.max-version-step
                                      (default 1000)
              --base-version N        version of the job's detector.exclusions-file (default
                                      0, the rule's defaults)
              --help                  this text

            Exit status: 0 done, 1 invalid set or Kafka error, 2 usage error.
            """;

    private static final Set<String> FLAGS =
            Set.of(
                    ToolClients.BOOTSTRAP_SERVERS,
                    "--topic",
                    ToolClients.PROPERTIES_FILE,
                    "--timeout-ms",
                    "--max-version-step",
                    "--base-version");

    private static final Set<String> SWITCHES = Set.of("--force");

    private static final ObjectMapper JSON = new ObjectMapper();

    private ExclusionsTool() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the tool; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine command;
        Map<String, String> config;
        String topic;
        Duration timeout;
        ExclusionTopic.Judging judging;
        try {
            command = CommandLine.parse(args, FLAGS, SWITCHES);
            if (command.help()) {
                out.print(USAGE);
                return CommandLine.EXIT_OK;
            }
            List<String> words = command.positional();
            if (words.isEmpty()) {
                throw new CommandLine.UsageException("missing command: publish or show");
            }
            String action = words.get(0);
            int expected = action.equals("publish") ? 2 : action.equals("show") ? 1 : -1;
            if (expected < 0) {
                throw new CommandLine.UsageException("unknown command '" + action + "'");
            }
            if (words.size() != expected) {
                throw new CommandLine.UsageException(
                        action.equals("publish")
                                ? "publish needs exactly one FILE"
                                : "show takes no arguments");
            }
            config = ToolClients.config(command);
            topic = ToolClients.topic(command, DEFAULT_TOPIC);
            timeout = Duration.ofMillis(command.positive("--timeout-ms", 30_000));
            judging =
                    new ExclusionTopic.Judging(
                            new ExclusionPolicy(
                                    command.has("--force"),
                                    command.positive(
                                            "--max-version-step",
                                            ExclusionPolicy.DEFAULT_MAX_VERSION_STEP),
                                    0),
                            command.nonNegative("--base-version", 0));
        } catch (CommandLine.UsageException e) {
            err.println("exclusions: " + e.getMessage());
            err.print(USAGE);
            return CommandLine.EXIT_USAGE;
        }
        try {
            return command.positional().get(0).equals("publish")
                    ? publish(
                            command.positional().get(1), config, topic, timeout, judging, out, err)
                    : show(config, topic, timeout, judging, out);
        } catch (KafkaException e) {
            err.println("exclusions: Kafka error on topic '" + topic + "': " + e.getMessage());
            return CommandLine.EXIT_FAILED;
        }
    }

    private static int publish(
            String file,
            Map<String, String> config,
            String topic,
            Duration timeout,
            ExclusionTopic.Judging judging,
            PrintStream out,
            PrintStream err) {
        byte[] json;
        try {
            json = file.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            err.println("exclusions: cannot read " + file + ": " + ToolClients.describe(e));
            return CommandLine.EXIT_FAILED;
        }
        ExclusionTopic.Published published;
        try {
            published = ExclusionTopic.publish(config, topic, json, timeout, judging);
        } catch (InvalidExclusionSetException e) {
            err.println("exclusions: " + file + ": " + e.getMessage() + "; nothing was published");
            return CommandLine.EXIT_FAILED;
        }
        if (published.alreadyPresent()) {
            out.printf(
                    "version %d with the same lists is already on %s (partition %d, offset %d);"
                            + " nothing published%n",
                    published.version(), topic, published.partition(), published.offset());
        } else {
            out.printf(
                    "published version %d to %s (partition %d, offset %d, key %s)%n",
                    published.version(),
                    topic,
                    published.partition(),
                    published.offset(),
                    ExclusionTopic.key(published.version()));
        }
        return CommandLine.EXIT_OK;
    }

    private static int show(
            Map<String, String> config,
            String topic,
            Duration timeout,
            ExclusionTopic.Judging judging,
            PrintStream out) {
        ExclusionTopic.Contents contents = ExclusionTopic.read(config, topic, timeout);
        out.printf(
                "topic %s: %d records: %d valid, %d invalid, %d tombstones%n",
                topic,
                contents.records(),
                contents.validRecords(),
                contents.invalid().size(),
                contents.tombstones());
        for (ExclusionTopic.InvalidRecord invalid : contents.invalid()) {
            out.printf(
                    "  invalid: partition %d, offset %d: %s%n",
                    invalid.partition(), invalid.offset(), invalid.problem());
        }
        ExclusionTopic.InForce inForce = contents.inForce(judging);
        for (ExclusionPolicy.Refusal refusal : inForce.refused()) {
            out.printf(
                    "  refused: %s (tombstone key %s to remove it)%n",
                    refusal.reason(), ExclusionTopic.key(refusal.set().version()));
        }
        if (inForce.record().isEmpty()) {
            out.printf(
                    "no set on the topic is newer than version %d; the job applies its"
                            + " configured initial set%n",
                    judging.baseVersion());
            return CommandLine.EXIT_OK;
        }
        ExclusionTopic.ValidRecord latest = inForce.record().get();
        ExclusionSet set = latest.set();
        out.printf(
                "version in force: %d (partition %d, offset %d, published %s)%n",
                set.version(),
                latest.partition(),
                latest.offset(),
                Instant.ofEpochMilli(latest.timestamp()));
        out.printf(
                "  %d destination_cidrs, %d process_executables, %d process_names%n",
                set.destinationCidrs().size(),
                set.processExecutables().size(),
                set.processNames().size());
        try {
            out.println(
                    JSON.writerWithDefaultPrettyPrinter()
                            .writeValueAsString(JSON.readTree(latest.json())));
        } catch (IOException e) {
            throw new IllegalStateException("a valid set is valid JSON", e);
        }
        return CommandLine.EXIT_OK;
    }
}
