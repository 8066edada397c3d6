package io.sshdnetcon.job;

import io.sshdnetcon.detect.AlertDocument;
import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.DeadLetterJson;
import io.sshdnetcon.file.Gzip;
import io.sshdnetcon.file.HostShareEnumerator;
import io.sshdnetcon.file.HostShareFormat;
import io.sshdnetcon.file.NdjsonFileSink;
import io.sshdnetcon.rule.ExclusionSet;
import io.sshdnetcon.rule.ExclusionUpdate;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Replay mode, the embedded default: runs the detector on a local embedded Flink over a bounded
 * NDJSON file and exits when every event has been processed. See {@link ReplayOptions#USAGE}.
 */
public final class ReplayJob {

    private ReplayJob() {}

    public static void main(String[] args) {
        ReplayOptions options;
        DetectorOptions.Settings settings;
        try {
            options = ReplayOptions.parse(args);
            if (options.help()) {
                System.out.print(ReplayOptions.USAGE);
                return;
            }
            settings = DetectorOptions.read(options.detector());
            requireReadableInput(options);
        } catch (IllegalArgumentException e) {
            System.err.println("replay: " + e.getMessage());
            System.err.print(ReplayOptions.USAGE);
            System.exit(2);
            return;
        }
        try {
            JobSummary summary = run(options, settings);
            System.err.println(summary.line("replay"));
        } catch (Exception e) {
            System.err.println("replay: failed: " + e);
            e.printStackTrace(System.err);
            System.exit(1);
        }
    }

    public static JobSummary run(ReplayOptions options, DetectorOptions.Settings settings)
            throws Exception {
        Path spooled = null;
        Path input;
        if (ReplayOptions.STDIN.equals(options.events())) {
            spooled = spoolStandardInput();
            input = spooled;
        } else {
            input = Path.of(options.events());
            requireReadableInput(options);
        }
        try {
            Configuration conf = PipelineSettings.apply(new Configuration());
            return execute(
                    StreamExecutionEnvironment.createLocalEnvironment(options.parallelism(), conf),
                    options,
                    settings,
                    input);
        } finally {
            if (spooled != null) {
                Files.deleteIfExists(spooled);
            }
        }
    }

    private static void requireReadableInput(ReplayOptions options) {
        if (!ReplayOptions.STDIN.equals(options.events())
                && !Files.isReadable(Path.of(options.events()))) {
            throw new IllegalArgumentException("--events: cannot read " + options.events());
        }
    }

    /** Runs the replay on {@code env} (an embedded cluster, or a test's MiniCluster) to the end. */
    public static JobSummary execute(
            StreamExecutionEnvironment env,
            ReplayOptions options,
            DetectorOptions.Settings settings,
            Path input)
            throws Exception {
        DetectorJob.build(
                env,
                settings.initialExclusions(),
                settings.exclusionPolicy(),
                settings.hostTime(false),
                connectors(options, settings, input));
        long start = System.nanoTime();
        JobExecutionResult result = env.execute("sshd-netcon replay");
        return JobSummary.from(
                result.getAllAccumulatorResults(), Duration.ofNanos(System.nanoTime() - start));
    }

    static Connectors connectors(
            ReplayOptions options, DetectorOptions.Settings settings, Path input) {
        FileSource<io.sshdnetcon.event.ParsedRecord> events =
                FileSource.forBulkFileFormat(
                                new HostShareFormat(
                                        ReplayOptions.STDIN.equals(options.events())
                                                ? "stdin"
                                                : input.toString(),
                                        settings.parser()),
                                new org.apache.flink.core.fs.Path(input.toUri()))
                        .setFileEnumerator(HostShareEnumerator::new)
                        .build();
        return Connectors.replay(
                events,
                startUpSetOnly(settings.initialExclusions()),
                new NdjsonFileSink<AlertDocument>(options.alerts(), AlertDocument::json),
                deadLetterSink(options.deadLetters()),
                deadLetterSink(options.lateEvents()));
    }

    /**
     * Replay applies one exclusion set for the whole input, the one given at start-up. The control
     * stream carries that same set once; having the same version, it changes nothing.
     */
    static DataGeneratorSource<ExclusionUpdate> startUpSetOnly(ExclusionSet initial) {
        return new DataGeneratorSource<>(
                index -> ExclusionUpdate.accepted(initial),
                1,
                TypeInformation.of(ExclusionUpdate.class));
    }

    private static Sink<DeadLetter> deadLetterSink(String path) {
        return path == null
                ? new DiscardingSink<>()
                : new NdjsonFileSink<DeadLetter>(path, DeadLetterJson::encode);
    }

    /**
     * The file source needs a file; standard input is copied to a temporary one first. Gzip is
     * recognised by its magic bytes, since the file source picks decompression by extension.
     */
    private static Path spoolStandardInput() throws IOException {
        InputStream in = new BufferedInputStream(System.in);
        boolean gzip = Gzip.startsWithMagic(in);
        Path file = Files.createTempFile("sshdnetcon-replay-", gzip ? ".ndjson.gz" : ".ndjson");
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }
}
