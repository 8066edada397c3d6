package io.sshdnetcon.testing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sshdnetcon.job.DetectorOptions;
import io.sshdnetcon.job.JobSummary;
import io.sshdnetcon.job.PipelineSettings;
import io.sshdnetcon.job.ReplayJob;
import io.sshdnetcon.job.ReplayOptions;
import io.sshdnetcon.parse.Validation;
import io.sshdnetcon.rule.ExclusionSet;
import io.sshdnetcon.rule.ExclusionSetJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs the replay job (file source, full topology, file sinks) on the test's MiniCluster over a
 * list of input lines, and reads back everything it wrote. Generic types are disabled, as in every
 * deployment, so any Kryo fallback fails the test.
 */
public final class ReplayRun {

    /** No symbol table: alerts of hostile input carry keys crafted to overflow it. */
    private static final ObjectMapper MAPPER =
            new ObjectMapper(
                    JsonFactory.builder()
                            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
                            .build());

    private final Path dir;
    private long boundMillis = 5000;
    private int parallelism = 1;
    private ExclusionSet exclusions;
    private Validation validation = Validation.ALL;

    private ReplayRun(Path dir) {
        this.dir = dir;
    }

    public static ReplayRun in(Path dir) {
        return new ReplayRun(dir);
    }

    public ReplayRun maxOutOfOrdernessMillis(long millis) {
        this.boundMillis = millis;
        return this;
    }

    public ReplayRun parallelism(int parallelism) {
        this.parallelism = parallelism;
        return this;
    }

    public ReplayRun validate(Validation value) {
        this.validation = value;
        return this;
    }

    public ReplayRun exclusions(ExclusionSet set) {
        this.exclusions = set;
        return this;
    }

    public Result lines(List<String> lines) throws Exception {
        List<byte[]> bytes = new ArrayList<>();
        lines.forEach(l -> bytes.add(l.getBytes(StandardCharsets.UTF_8)));
        return bytes(bytes);
    }

    public Result events(List<SpecEvents.Builder> events) throws Exception {
        return lines(events.stream().map(SpecEvents.Builder::json).toList());
    }

    public Result bytes(List<byte[]> lines) throws Exception {
        Path run = Files.createTempDirectory(dir, "run");
        Path input = run.resolve("events.ndjson");
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] line : lines) {
            content.write(line);
            content.write('\n');
        }
        Files.write(input, content.toByteArray());
        return file(input, run);
    }

    public Result file(Path input, Path run) throws Exception {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--events", input.toString(),
                                "--alerts", run.resolve("alerts.ndjson").toString(),
                                "--dead-letter", run.resolve("dead-letters.ndjson").toString(),
                                "--late", run.resolve("late.ndjson").toString(),
                                "--max-out-of-orderness-ms", Long.toString(boundMillis),
                                "--parallelism", Integer.toString(parallelism),
                                "--validate", validation.name().toLowerCase(Locale.ROOT)));
        if (exclusions != null) {
            Path file = run.resolve("exclusions.json");
            Files.write(file, ExclusionSetJson.write(exclusions));
            args.addAll(List.of("--exclusions", file.toString()));
        }
        ReplayOptions options = ReplayOptions.parse(args.toArray(String[]::new));
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        PipelineSettings.apply(new Configuration()));
        env.setParallelism(parallelism);
        JobSummary summary =
                ReplayJob.execute(env, options, DetectorOptions.read(options.detector()), input);
        return new Result(
                readJsonLines(run.resolve("alerts.ndjson")),
                readJsonLines(run.resolve("dead-letters.ndjson")),
                readJsonLines(run.resolve("late.ndjson")),
                summary);
    }

    private static List<JsonNode> readJsonLines(Path file) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                nodes.add(MAPPER.readTree(line));
            }
        }
        return nodes;
    }

    /** What a replay wrote. */
    public record Result(
            List<JsonNode> alerts,
            List<JsonNode> deadLetters,
            List<JsonNode> lateEvents,
            JobSummary summary) {

        /** (exec event.id, network event.id) of every alert, read from its {@code Events}. */
        public List<AlertPair> pairs() {
            return alerts.stream()
                    .map(
                            a ->
                                    new AlertPair(
                                            a.at("/Events/0/event/id").asText(null),
                                            a.at("/Events/1/event/id").asText(null)))
                    .toList();
        }

        public List<String> alertIds() {
            return alerts.stream().map(a -> a.at("/event/id").asText()).toList();
        }

        public List<String> deadLetterReasons() {
            return deadLetters.stream().map(d -> d.get("reason").asText()).toList();
        }
    }

    /** One alert, identified by its two events. */
    public record AlertPair(String execEventId, String networkEventId) {
        public static AlertPair of(String exec, String network) {
            return new AlertPair(exec, network);
        }
    }
}
