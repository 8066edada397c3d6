package io.sshdnetcon.job;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    public static final String USAGE =
            """
            Usage: scripts/replay.sh --events FILE --alerts FILE [options]

            Runs the detector on an embedded Flink over a bounded NDJSON file of Elastic Defend
            ECS events and writes one alert document per line. No cluster, Kafka or
            Elasticsearch is needed.

              --events FILE                  input, NDJSON (.gz is decompressed); - reads stdin
              --alerts FILE                  alert documents, NDJSON; - writes stdout
              --dead-letter FILE             unusable records with their reason (default: count only)
              --late FILE                    events that arrived after the watermark (default: count only)
              --max-out-of-orderness-ms N    allowed lateness behind the newest event time (default 5000)
              --exclusions FILE              exclusion set (JSON) instead of the rule's defaults
              --max-record-bytes N           larger records are dead-lettered (default 4194304)
              --parallelism N                detection parallelism (default 2)
              --help                         this text

            A one-line summary goes to stderr when the input has been fully processed.
            """;

    private static final List<String> FLAGS =
            List.of(
                    "--events",
                    "--alerts",
                    "--dead-letter",
                    "--late",
                    "--max-out-of-orderness-ms",
                    "--exclusions",
                    "--max-record-bytes",
                    "--parallelism");

    /**
     * @throws IllegalArgumentException naming the offending flag
     */
    public static ReplayOptions parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                return new ReplayOptions(null, null, null, null, 1, new Configuration(), true);
            }
            if (!FLAGS.contains(flag)) {
                throw new IllegalArgumentException("unknown option " + flag);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            if (values.put(flag, args[++i]) != null) {
                throw new IllegalArgumentException(flag + " given twice");
            }
        }
        String events = require(values, "--events");
        String alerts = require(values, "--alerts");
        String deadLetters = values.get("--dead-letter");
        String late = values.get("--late");
        rejectSharedOutput(alerts, deadLetters, late);

        Configuration detector = new Configuration();
        if (values.containsKey("--max-out-of-orderness-ms")) {
            detector.set(
                    DetectorOptions.MAX_OUT_OF_ORDERNESS,
                    Duration.ofMillis(nonNegative(values, "--max-out-of-orderness-ms")));
        }
        if (values.containsKey("--exclusions")) {
            detector.set(DetectorOptions.EXCLUSIONS_FILE, values.get("--exclusions"));
        }
        if (values.containsKey("--max-record-bytes")) {
            detector.set(
                    DetectorOptions.MAX_RECORD_BYTES,
                    (int) Math.min(Integer.MAX_VALUE, nonNegative(values, "--max-record-bytes")));
        }
        int parallelism =
                values.containsKey("--parallelism")
                        ? (int) Math.min(64, nonNegative(values, "--parallelism"))
                        : DEFAULT_PARALLELISM;
        if (parallelism < 1) {
            throw new IllegalArgumentException("--parallelism must be at least 1");
        }
        return new ReplayOptions(events, alerts, deadLetters, late, parallelism, detector, false);
    }

    private static String require(Map<String, String> values, String flag) {
        String value = values.get(flag);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(flag + " is required");
        }
        return value;
    }

    private static long nonNegative(Map<String, String> values, String flag) {
        String text = values.get(flag);
        try {
            long value = Long.parseLong(text);
            if (value < 0) {
                throw new IllegalArgumentException(flag + " must not be negative: " + text);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a whole number: " + text, e);
        }
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
