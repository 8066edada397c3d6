package io.sshdnetcon.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sshdnetcon.event.Outcome;
import io.sshdnetcon.event.ParsedRecord;
import io.sshdnetcon.file.NdjsonLines;
import io.sshdnetcon.fleet.FleetConfig;
import io.sshdnetcon.fleet.FleetGenerator;
import io.sshdnetcon.parse.EcsEventParser;
import io.sshdnetcon.parse.Validation;
import io.sshdnetcon.rule.CandidateBytes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The parser on one record at a time, per kind of record in generated fleet traffic: the candidates
 * (a stage of the sequence), the irrelevant bulk, and a Jackson walk over every token of the same
 * records as the floor any JSON parser is measured against; and the {@code candidates} validation
 * mode with its byte prefilter alone. Run with {@code scripts/bench-jmh.sh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ParserBenchmark {

    /** Which records: {@code candidate} or {@code irrelevant}. */
    @Param({"candidate", "irrelevant"})
    public String records;

    private final EcsEventParser parser = new EcsEventParser();
    private final EcsEventParser candidatesOnly =
            new EcsEventParser(EcsEventParser.DEFAULT_MAX_RECORD_BYTES, Validation.CANDIDATES);
    private final JsonFactory json = new JsonFactory();
    private byte[][] lines;
    private int next;

    @Setup
    public void generate() throws IOException {
        ByteArrayOutputStream fleet = new ByteArrayOutputStream();
        new FleetGenerator(FleetConfig.of(20_000, 200, 1).withAttacks(20)).writeTo(fleet);
        NdjsonLines reader =
                new NdjsonLines(new ByteArrayInputStream(fleet.toByteArray()), 1 << 22);
        Outcome wanted = records.equals("candidate") ? Outcome.CANDIDATE : Outcome.IRRELEVANT;
        List<byte[]> kept = new ArrayList<>();
        while (reader.next()) {
            byte[] line = reader.copy();
            if (parser.parse(line, "bench", 0, 0).outcome() == wanted) {
                kept.add(line);
            }
        }
        if (kept.isEmpty()) {
            throw new IllegalStateException("no " + records + " records in the generated fleet");
        }
        lines = kept.toArray(new byte[0][]);
    }

    private byte[] nextLine() {
        byte[] line = lines[next];
        next = next + 1 == lines.length ? 0 : next + 1;
        return line;
    }

    @Benchmark
    public ParsedRecord parse() {
        return parser.parse(nextLine(), "bench", 0, 0);
    }

    /** {@code detector.validate: candidates}: the prefilter, then the clock scan or the parser. */
    @Benchmark
    public ParsedRecord parseValidatingCandidates() {
        return candidatesOnly.parse(nextLine(), "bench", 0, 0);
    }

    /** The byte prefilter alone. */
    @Benchmark
    public boolean prefilter() {
        byte[] line = nextLine();
        return CandidateBytes.mayBeCandidate(line, 0, line.length);
    }

    @Benchmark
    public long jacksonTokenWalk() throws IOException {
        byte[] line = nextLine();
        long decoded = 0;
        try (JsonParser walk = json.createParser(line)) {
            JsonToken token;
            while ((token = walk.nextToken()) != null) {
                if (token == JsonToken.FIELD_NAME || token == JsonToken.VALUE_STRING) {
                    decoded += walk.getTextLength();
                }
            }
        }
        return decoded;
    }
}
