package io.sshdnetcon.fleet;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.zip.GZIPOutputStream;

/**
 * Command line for {@link FleetGenerator}. Exit codes: 0 written, 1 I/O failure, 2 bad arguments.
 *
 * <pre>
 * --events N            clean events to write (required)
 * --hosts H             fleet size, at least 2 (required)
 * --seed S              random seed; same arguments, same bytes (required)
 * --out FILE|-          output file, or - for stdout (required)
 * --gzip                gzip the output
 * --start ISO-8601      event time of the first event (default 2026-03-02T08:00:00Z)
 * --events-per-second R event-time density across the fleet (default 500)
 * --attacks K           planted attacks, with 3 near misses each (default N / 20000, at least 1 when it fits)
 * --disorder-ms D       deliver out of order, never more than D ms behind the latest line (default 0)
 * --duplicates RATE     share of events delivered twice, 0..1 (default 0)
 * --malformed RATE      extra malformed lines per event, 0..1 (default 0)
 * --skewed-hosts K --skew-ms S      K Linux hosts whose clock is S ms off (negative: behind)
 * --delayed-hosts K --delay-ms D    K Linux hosts offline D ms of every 2D, flushing on return
 * --stepping-hosts K --step-ms S    K Linux hosts whose clock jumps by S ms halfway through
 * </pre>
 */
public final class FleetGeneratorMain {

    static final String USAGE =
            """
            Usage: FleetGeneratorMain --events N --hosts H --seed S --out FILE|- [options]

            Writes Elastic Defend ECS events (NDJSON) from a simulated fleet, with planted attacks for the rule
            "Network Connection Initiated by SSHD Child Process" and near misses that must not alert.

              --events N              clean events to write (required)
              --hosts H               fleet size, at least 2; mostly Linux, some Windows and macOS (required)
              --seed S                random seed; the same arguments give the same bytes (required)
              --out FILE|-            output file, or - for stdout (required)
              --gzip                  gzip the output
              --start ISO-8601        event time of the first event (default %s)
              --events-per-second R   event-time density across the fleet (default %s)
              --attacks K             planted attack sequences, each with %d near misses (default N/20000, min 1)
              --disorder-ms D         deliver out of order, never more than D ms behind the latest line (default 0)
              --duplicates RATE       share of events delivered twice, 0..1 (default 0)
              --malformed RATE        extra malformed lines per event, 0..1 (default 0)
              --skewed-hosts K        K Linux hosts (chosen by seed) whose clock is off all along ...
              --skew-ms S             ... by S ms: @timestamp = true time + S (S < 0: behind)
              --delayed-hosts K       K Linux hosts whose agent is offline for D ms, online for D ms, ...
              --delay-ms D            ... and so on; on return it flushes what it held, so lines arrive
                                      up to D ms late, in bursts (their @timestamps are right)
              --stepping-hosts K      K Linux hosts whose clock jumps halfway through the stream ...
              --step-ms S             ... by S ms (S < 0: steps back)
              --help                  show this help

            Planted attacks and near misses go to the faulty hosts too: one each first, then every
            second one. The summary names the faulty hosts.
            A one-line summary goes to stderr. Exit codes: 0 ok, 1 I/O error, 2 bad arguments.
            """
                    .formatted(
                            FleetConfig.DEFAULT_START,
                            FleetConfig.DEFAULT_EVENTS_PER_SECOND,
                            FleetConfig.NEAR_MISSES_PER_ATTACK);

    private FleetGeneratorMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The whole CLI, minus {@code System.exit}, so tests can call it. */
    static int run(String[] args, PrintStream stdout, PrintStream stderr) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            stderr.println("error: " + e.getMessage());
            stderr.println("Run with --help for usage.");
            return 2;
        }
        if (options == null) {
            stdout.print(USAGE);
            return 0;
        }
        try {
            new FleetGenerator(options.config).checkClockFaultsFit();
        } catch (IllegalArgumentException e) {
            stderr.println("error: " + e.getMessage());
            stderr.println("Run with --help for usage.");
            return 2;
        }
        try {
            FleetReport report;
            if (options.out.equals("-")) {
                report = write(options, stdout);
                stdout.flush();
            } else {
                try (OutputStream file = new FileOutputStream(options.out)) {
                    report = write(options, file);
                }
            }
            stderr.println(report.summary());
            return 0;
        } catch (IOException e) {
            stderr.println("error: writing " + options.out + ": " + e.getMessage());
            return 1;
        }
    }

    private static FleetReport write(Options options, OutputStream target) throws IOException {
        OutputStream buffered = new BufferedOutputStream(target, 1 << 20);
        if (!options.gzip) {
            FleetReport report = new FleetGenerator(options.config).writeTo(buffered);
            buffered.flush();
            return report;
        }
        GZIPOutputStream gzip = new GZIPOutputStream(buffered, 1 << 16);
        FleetReport report = new FleetGenerator(options.config).writeTo(gzip);
        gzip.finish();
        buffered.flush();
        return report;
    }

    /** Parsed and validated arguments; {@code null} from {@link #parse} means --help. */
    private record Options(FleetConfig config, String out, boolean gzip) {

        static Options parse(String[] args) {
            Long events = null;
            Integer hosts = null;
            Long seed = null;
            String out = null;
            boolean gzip = false;
            Instant start = FleetConfig.DEFAULT_START;
            double eventsPerSecond = FleetConfig.DEFAULT_EVENTS_PER_SECOND;
            Integer attacks = null;
            long disorderMs = 0;
            double duplicates = 0;
            double malformed = 0;
            int skewedHosts = 0;
            long skewMs = 0;
            int delayedHosts = 0;
            long delayMs = 0;
            int steppingHosts = 0;
            long stepMs = 0;
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                switch (flag) {
                    case "--help", "-h" -> {
                        return null;
                    }
                    case "--gzip" -> gzip = true;
                    case "--events" -> events = parseLong(flag, value(args, ++i, flag));
                    case "--hosts" ->
                            hosts =
                                    (int)
                                            parseLong(
                                                    flag,
                                                    value(args, ++i, flag),
                                                    Integer.MAX_VALUE);
                    case "--seed" -> seed = parseLong(flag, value(args, ++i, flag));
                    case "--out" -> out = value(args, ++i, flag);
                    case "--start" -> start = parseInstant(value(args, ++i, flag));
                    case "--events-per-second" ->
                            eventsPerSecond = parseDouble(flag, value(args, ++i, flag));
                    case "--attacks" ->
                            attacks =
                                    (int)
                                            parseLong(
                                                    flag,
                                                    value(args, ++i, flag),
                                                    Integer.MAX_VALUE);
                    case "--disorder-ms" -> disorderMs = parseLong(flag, value(args, ++i, flag));
                    case "--duplicates" -> duplicates = parseDouble(flag, value(args, ++i, flag));
                    case "--malformed" -> malformed = parseDouble(flag, value(args, ++i, flag));
                    case "--skewed-hosts" -> skewedHosts = parseCount(flag, value(args, ++i, flag));
                    case "--skew-ms" -> skewMs = parseLong(flag, value(args, ++i, flag));
                    case "--delayed-hosts" ->
                            delayedHosts = parseCount(flag, value(args, ++i, flag));
                    case "--delay-ms" -> delayMs = parseLong(flag, value(args, ++i, flag));
                    case "--stepping-hosts" ->
                            steppingHosts = parseCount(flag, value(args, ++i, flag));
                    case "--step-ms" -> stepMs = parseLong(flag, value(args, ++i, flag));
                    default -> throw new IllegalArgumentException("unknown argument: " + flag);
                }
            }
            require(events, "--events");
            require(hosts, "--hosts");
            require(seed, "--seed");
            require(out, "--out");
            if (out.isEmpty()) {
                throw new IllegalArgumentException("--out needs a file name or -");
            }
            int plantedAttacks = attacks != null ? attacks : FleetConfig.defaultAttacks(events);
            FleetConfig config =
                    new FleetConfig(
                            events,
                            hosts,
                            seed,
                            start,
                            eventsPerSecond,
                            plantedAttacks,
                            disorderMs,
                            duplicates,
                            malformed,
                            new ClockFaults(
                                    skewedHosts,
                                    skewMs,
                                    delayedHosts,
                                    delayMs,
                                    steppingHosts,
                                    stepMs)); // validates ranges with readable messages
            return new Options(config, out, gzip);
        }

        private static String value(String[] args, int index, String flag) {
            if (index >= args.length || args[index].startsWith("--")) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[index];
        }

        private static void require(Object value, String flag) {
            if (value == null) {
                throw new IllegalArgumentException(flag + " is required");
            }
        }

        private static long parseLong(String flag, String text) {
            return parseLong(flag, text, Long.MAX_VALUE);
        }

        private static long parseLong(String flag, String text, long max) {
            try {
                long value = Long.parseLong(text);
                if (value > max || value < -max) {
                    throw new IllegalArgumentException(flag + " is out of range: " + text);
                }
                return value;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        flag + " needs a whole number, got '" + text + "'");
            }
        }

        private static int parseCount(String flag, String text) {
            return (int) parseLong(flag, text, Integer.MAX_VALUE);
        }

        private static double parseDouble(String flag, String text) {
            try {
                double value = Double.parseDouble(text);
                if (Double.isNaN(value) || Double.isInfinite(value)) {
                    throw new NumberFormatException();
                }
                return value;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " needs a number, got '" + text + "'");
            }
        }

        private static Instant parseInstant(String text) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(
                        "--start needs an ISO-8601 instant like 2026-03-02T08:00:00Z, got '"
                                + text
                                + "'");
            }
        }
    }
}
