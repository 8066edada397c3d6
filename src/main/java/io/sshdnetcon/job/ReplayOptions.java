package io.sshdnetcon.job;

import io.sshdnetcon.parse.Validation;
import java.time.Duration;
import java.util.Set;
import org.apache.flink.configuration.Configuration;

/**
 * Command line of {@link ReplayJob}, validated before anything starts.
 *
 * @param events NDJSON input file ({@code .gz} allowed), or {@code -} for standard input
 * @param alerts NDJSON alert output file, or {@code -} for standard output
 * @param deadLetters dead-letter output file, {@code -}, or null to only count them
 * @param lateEvents late-event output file, {@code -}, or null to only count them
 * @param parallelism parallelism of the detection operators on the embedded cluster
 * @param detector the shared detection options
 * @param help whether {@code --help} was asked
 */
public record ReplayOptions(
        String events,
        String alerts,
        String deadLetters,
        String lateEvents,
        int parallelism,
        Configuration detector,
        boolean help) {

    public static final int DEFAULT_PARALLELISM = 2;

    /** As {@code --events}: standard input. */
    public static final String STDIN = "-";

    public static final String USAGE =
            """
            Usage: scripts/replay.sh --events FILE --alerts FILE [options]

            Runs the detector on an embedded Flink over a bounded NDJSON file of Elastic Defend
            ECS events and writes one alert document per line. No cluster, Kafka or
            Elasticsearch is needed.

              --events FILE                  input, NDJSON (.gz is decompressed); - reads stdin
              --alerts FILE                  alert documents, NDJSON; - writes stdout
              --dead-letter FILE             unusable records with their reason (default: count only)
              --late FILE                    candidates late for their own host (default: count only)
              --max-out-of-orderness-ms N    allowed lateness behind its host's newest time (default 5000)
              --exclusions FILE              exclusion set (JSON) instead of the rule's defaults
              --max-record-bytes N           larger records are dead-lettered (default 4194304)
              --validate all|candidates      validate every record (default), or only those the
                                             byte prefilter lets through (docs/bad-input.md)
              --parallelism N                detection parallelism (default 2)
              --help                         this text

            A one-line summary goes to stderr when the input has been fully processed.
            """;

    private static final Set<String> FLAGS =
            Set.of(
                    "--events",
                    "--alerts",
                    "--dead-letter",
                    "--late",
                    "--max-out-of-orderness-ms",
                    "--exclusions",
                    "--max-record-bytes",
                    "--validate",
                    "--parallelism");

    /**
     * @throws IllegalArgumentException naming the offending flag
     */
    public static ReplayOptions parse(String[] args) {
        CommandLine command = CommandLine.parse(args, FLAGS);
        if (command.help()) {
            return new ReplayOptions(null, null, null, null, 1, new Configuration(), true);
        }
        if (!command.positional().isEmpty()) {
            throw new CommandLine.UsageException(
                    "unexpected argument '" + command.positional().get(0) + "'");
        }
        String events = command.required("--events");
        String alerts = command.required("--alerts");
        String deadLetters = command.option("--dead-letter", null);
        String late = command.option("--late", null);
        rejectSharedOutput(alerts, deadLetters, late);

        Configuration detector = new Configuration();
        if (command.has("--max-out-of-orderness-ms")) {
            detector.set(
                    DetectorOptions.MAX_OUT_OF_ORDERNESS,
                    Duration.ofMillis(command.nonNegative("--max-out-of-orderness-ms", 0)));
        }
        if (command.has("--exclusions")) {
            detector.set(DetectorOptions.EXCLUSIONS_FILE, command.option("--exclusions", null));
        }
        if (command.has("--max-record-bytes")) {
            detector.set(
                    DetectorOptions.MAX_RECORD_BYTES,
                    (int)
                            Math.min(
                                    Integer.MAX_VALUE,
                                    command.nonNegative("--max-record-bytes", 0)));
        }
        if (command.has("--validate")) {
            detector.set(DetectorOptions.VALIDATE, validation(command.option("--validate", null)));
        }
        int parallelism =
                (int) Math.min(64, command.nonNegative("--parallelism", DEFAULT_PARALLELISM));
        if (parallelism < 1) {
            throw new IllegalArgumentException("--parallelism must be at least 1");
        }
        return new ReplayOptions(events, alerts, deadLetters, late, parallelism, detector, false);
    }

    private static Validation validation(String value) {
        for (Validation v : Validation.values()) {
            if (v.name().equalsIgnoreCase(value)) {
                return v;
            }
        }
        throw new CommandLine.UsageException(
                "--validate must be 'all' or 'candidates', not '" + value + "'");
    }

    /** Two outputs in one file (or both on stdout) would interleave into something unusable. */
    private static void rejectSharedOutput(String... outputs) {
        for (int i = 0; i < outputs.length; i++) {
            for (int j = i + 1; j < outputs.length; j++) {
                if (outputs[i] != null && outputs[i].equals(outputs[j])) {
                    throw new IllegalArgumentException(
                            "two outputs go to the same place: " + outputs[i]);
                }
            }
        }
    }
}
