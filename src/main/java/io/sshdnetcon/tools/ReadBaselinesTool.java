package io.sshdnetcon.tools;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sshdnetcon.file.Gzip;
import io.sshdnetcon.file.NdjsonLines;
import io.sshdnetcon.job.CommandLine;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The baselines {@code scripts/bench.sh} compares the detector with, on one thread over the same
 * file: reading it through the reader replay uses ({@link NdjsonLines}) and discarding each line,
 * and the same with a Jackson streaming walk over every token of every line, decoding every name
 * and string. Prints one line per baseline, {@code baseline: NAME records=N tokens=N
 * decoded_chars=N malformed=N elapsed_ms=N events_per_s=N}.
 */
public final class ReadBaselinesTool {

    static final String USAGE =
            """
            Usage: ReadBaselinesTool --events FILE [--warmup N]

            Times two one-thread baselines over an NDJSON file (gzip is decompressed): "lines"
            reads every line through the replay's line reader and discards it; "tokens" also
            walks every JSON token of every line with Jackson's streaming parser, decoding every
            field name and string. Each runs --warmup untimed passes first (default 1).
            """;

    /** Replay's default record limit (--max-record-bytes). */
    private static final int MAX_LINE_BYTES = 4 * 1024 * 1024;

    private static final JsonFactory JSON = new JsonFactory();

    private ReadBaselinesTool() {}

    /** What one pass counted. */
    record Pass(long records, long tokens, long decodedChars, long malformed, long nanos) {

        String line(String name) {
            long ms = nanos / 1_000_000;
            return String.format(
                    "baseline: %s records=%d tokens=%d decoded_chars=%d malformed=%d elapsed_ms=%d"
                            + " events_per_s=%d",
                    name,
                    records,
                    tokens,
                    decodedChars,
                    malformed,
                    ms,
                    nanos == 0 ? 0 : records * 1_000_000_000L / nanos);
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path events;
        long warmup;
        try {
            CommandLine command = CommandLine.parse(args, Set.of("--events", "--warmup"));
            if (command.help()) {
                out.print(USAGE);
                return CommandLine.EXIT_OK;
            }
            events = Path.of(command.required("--events"));
            warmup = command.nonNegative("--warmup", 1);
        } catch (CommandLine.UsageException e) {
            err.println("read-baselines: " + e.getMessage());
            err.print(USAGE);
            return CommandLine.EXIT_USAGE;
        }
        try {
            for (int i = 0; i < warmup; i++) {
                lines(events);
            }
            out.println(lines(events).line("lines"));
            for (int i = 0; i < warmup; i++) {
                tokens(events);
            }
            out.println(tokens(events).line("tokens"));
            return CommandLine.EXIT_OK;
        } catch (IOException e) {
            err.println("read-baselines: cannot read " + events + ": " + e.getMessage());
            return CommandLine.EXIT_FAILED;
        }
    }

    /** Reads every non-empty line and discards it. */
    static Pass lines(Path events) throws IOException {
        long start = System.nanoTime();
        long records = 0;
        try (InputStream in = open(events)) {
            NdjsonLines lines = new NdjsonLines(in, MAX_LINE_BYTES);
            while (lines.next()) {
                if (lines.length() > 0) {
                    records++;
                }
            }
        }
        return new Pass(records, 0, 0, 0, System.nanoTime() - start);
    }

    /** Walks every token of every non-empty line, decoding names and strings. */
    static Pass tokens(Path events) throws IOException {
        long start = System.nanoTime();
        long records = 0;
        long tokens = 0;
        long malformed = 0;
        long decodedChars = 0;
        try (InputStream in = open(events)) {
            NdjsonLines lines = new NdjsonLines(in, MAX_LINE_BYTES);
            while (lines.next()) {
                if (lines.length() == 0) {
                    continue;
                }
                records++;
                try (JsonParser parser =
                        JSON.createParser(lines.buffer(), lines.offset(), lines.length())) {
                    JsonToken token;
                    while ((token = parser.nextToken()) != null) {
                        tokens++;
                        if (token == JsonToken.FIELD_NAME || token == JsonToken.VALUE_STRING) {
                            decodedChars += parser.getTextLength();
                        }
                    }
                } catch (IOException e) {
                    malformed++;
                }
            }
        }
        return new Pass(records, tokens, decodedChars, malformed, System.nanoTime() - start);
    }

    private static InputStream open(Path events) throws IOException {
        return Gzip.decompressIfGzip(
                new BufferedInputStream(Files.newInputStream(events), 1 << 16));
    }
}
