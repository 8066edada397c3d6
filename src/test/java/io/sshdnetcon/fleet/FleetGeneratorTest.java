package io.sshdnetcon.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sshdnetcon.fleet.PlantedAttack.AttackVariant;
import io.sshdnetcon.fleet.PlantedNearMiss.NearMissKind;
import io.sshdnetcon.testing.NdjsonLines;
import io.sshdnetcon.testing.ReferenceDetector;
import io.sshdnetcon.testing.ReferenceDetector.AlertPair;
import io.sshdnetcon.testing.ReferenceDetector.Exclusions;
import io.sshdnetcon.testing.ReferenceDetector.Result;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class FleetGeneratorTest {

    /**
     * 15 attacks means 45 near misses, enough to plant every attack variant and every near-miss
     * spec.
     */
    private static final FleetConfig CLEAN = FleetConfig.of(60_000, 40, 20260302L).withAttacks(15);

    private static final long DISORDER_MS = 3_000;
    private static final FleetConfig CHAOTIC =
            CLEAN.withDisorderMs(DISORDER_MS).withDuplicateRate(0.05).withMalformedRate(0.02);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MILLIS_Z =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");

    private static Corpus clean;
    private static Result cleanResult;

    private record Corpus(byte[] bytes, List<byte[]> lines, FleetReport report) {}

    @BeforeAll
    static void generateCleanCorpus() {
        clean = generate(CLEAN);
        cleanResult = ReferenceDetector.detect(clean.lines, 0, Exclusions.defaults());
    }

    @Test
    void theSameSeedGivesTheSameBytesAndAnotherSeedDoesNot() {
        FleetConfig small =
                FleetConfig.of(8_000, 12, 99)
                        .withAttacks(3)
                        .withDisorderMs(500)
                        .withDuplicateRate(0.1)
                        .withMalformedRate(0.05);
        assertThat(generate(small).bytes).isEqualTo(generate(small).bytes);
        FleetConfig otherSeed =
                new FleetConfig(
                        8_000, 12, 100, small.start(), small.eventsPerSecond(), 3, 500, 0.1, 0.05);
        assertThat(generate(otherSeed).bytes).isNotEqualTo(generate(small).bytes);
    }

    @Test
    void theCleanCorpusHasExactlyTheRequestedEventsInEventTimeOrder() {
        assertThat(clean.lines).hasSize((int) CLEAN.events());
        assertThat(clean.report.eventsWritten()).isEqualTo(CLEAN.events());
        assertThat(clean.report.linesWritten()).isEqualTo(CLEAN.events());
        long previous = Long.MIN_VALUE;
        for (byte[] line : clean.lines) {
            long t = timestamp(line);
            assertThat(t).isGreaterThanOrEqualTo(previous);
            previous = t;
        }
    }

    @Test
    void theOracleFindsExactlyThePlantedAttacks() {
        Set<AlertPair> expected =
                clean.report.attacks().stream()
                        .map(a -> new AlertPair(a.execEventId(), a.networkEventId()))
                        .collect(Collectors.toSet());
        assertThat(expected).hasSize(CLEAN.attacks());
        assertThat(cleanResult.alerts()).doesNotHaveDuplicates();
        assertThat(cleanResult.alerts()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(cleanResult.malformed()).isZero();
        assertThat(cleanResult.late()).isZero();
        assertThat(cleanResult.invalidDestination()).isZero();
        assertThat(cleanResult.read()).isEqualTo(CLEAN.events());
    }

    @Test
    void noPlantedNearMissAlerts() {
        Set<String> alerted = new HashSet<>();
        cleanResult
                .alerts()
                .forEach(
                        p -> {
                            alerted.add(p.execEventId());
                            alerted.add(p.networkEventId());
                        });
        assertThat(clean.report.nearMisses()).hasSize(CLEAN.nearMisses());
        for (PlantedNearMiss miss : clean.report.nearMisses()) {
            assertThat(alerted)
                    .as("%s", miss)
                    .doesNotContain(miss.networkEventId(), miss.execEventId());
        }
    }

    @Test
    void everyVariantAndNearMissKindIsPlanted() {
        assertThat(
                        clean.report.attacks().stream()
                                .map(PlantedAttack::variant)
                                .collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(AttackVariant.values());
        assertThat(
                        clean.report.nearMisses().stream()
                                .map(PlantedNearMiss::kind)
                                .collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(NearMissKind.values());
        assertThat(clean.report.nearMisses())
                .hasSizeGreaterThanOrEqualTo(PlantedScenarios.nearMissSpecCount());
        assertThat(clean.report.attacks())
                .anyMatch(a -> a.gapMs() == 0)
                .anyMatch(a -> a.gapMs() == 1000)
                .allMatch(a -> a.gapMs() >= 0 && a.gapMs() <= 1000);
        assertThat(clean.report.attacks()).anyMatch(a -> a.destinationIp().contains(":"));
    }

    @Test
    void chaosWithinTheBoundYieldsTheSameAlerts() {
        Corpus chaotic = generate(CHAOTIC);
        Result result = ReferenceDetector.detect(chaotic.lines, DISORDER_MS, Exclusions.defaults());
        assertThat(result.alerts()).doesNotHaveDuplicates();
        assertThat(result.alerts()).containsExactlyInAnyOrderElementsOf(cleanResult.alerts());
        assertThat(result.late()).isZero();
        assertThat(result.malformed()).isEqualTo(chaotic.report.malformedTotal()).isPositive();
        assertThat(result.read())
                .isEqualTo(chaotic.lines.size())
                .isEqualTo(chaotic.report.linesWritten());
        assertThat(chaotic.report.duplicatesWritten()).isPositive();
        assertThat(chaotic.report.attacks()).isEqualTo(clean.report.attacks());
        assertThat(chaotic.report.nearMisses()).isEqualTo(clean.report.nearMisses());
    }

    @Test
    void chaosDeliversTheCleanEventsDisorderedWithinTheBound() {
        Corpus chaotic = generate(CHAOTIC);
        Set<String> cleanLines =
                clean.lines.stream().map(FleetGeneratorTest::text).collect(Collectors.toSet());
        Set<String> seen = new HashSet<>();
        long max = Long.MIN_VALUE;
        long outOfOrder = 0;
        long worstLag = 0;
        for (byte[] line : chaotic.lines) {
            String text = text(line);
            if (!cleanLines.contains(text)) {
                continue; // a malformed line
            }
            seen.add(text);
            long t = timestamp(line);
            if (t < max) {
                outOfOrder++;
                worstLag = Math.max(worstLag, max - t);
            }
            max = Math.max(max, t);
        }
        assertThat(seen).isEqualTo(cleanLines);
        assertThat(outOfOrder).isGreaterThan(100);
        assertThat(worstLag).isLessThanOrEqualTo(DISORDER_MS).isGreaterThan(DISORDER_MS / 2);
        // With a tighter bound than the disorder, the oracle does see late lines.
        assertThat(ReferenceDetector.detect(chaotic.lines, 100, Exclusions.defaults()).late())
                .isPositive();
    }

    @Test
    void duplicatesWithoutDisorderFollowTheirOriginal() {
        Corpus dupes = generate(FleetConfig.of(5_000, 10, 5).withAttacks(2).withDuplicateRate(0.2));
        assertThat(dupes.report.duplicatesWritten()).isPositive();
        assertThat(dupes.lines).hasSize((int) (5_000 + dupes.report.duplicatesWritten()));
        long previous = Long.MIN_VALUE;
        for (byte[] line : dupes.lines) {
            long t = timestamp(line);
            assertThat(t).isGreaterThanOrEqualTo(previous);
            previous = t;
        }
        Result result = ReferenceDetector.detect(dupes.lines, 0, Exclusions.defaults());
        assertThat(result.late()).isZero();
        assertThat(result.alerts()).doesNotHaveDuplicates().hasSize(2);
    }

    @Test
    void everyMalformedLineIsMalformedForTheOracle() {
        Corpus junk =
                generate(FleetConfig.of(6_000, 10, 11).withAttacks(2).withMalformedRate(0.25));
        Result result = ReferenceDetector.detect(junk.lines, 0, Exclusions.defaults());
        assertThat(junk.report.malformedWritten().keySet())
                .containsExactlyInAnyOrder(MalformedKind.values());
        assertThat(result.malformed()).isEqualTo(junk.report.malformedTotal());
        assertThat(result.read() - result.malformed()).isEqualTo(6_000);
        assertThat(result.alerts()).hasSize(2);
    }

    @ParameterizedTest
    @EnumSource(MalformedKind.class)
    void eachMalformedKindFromEveryKeyStyleIsMalformed(MalformedKind kind) throws IOException {
        // Render the kind from real lines of every spelling, including the dotted ones.
        Set<KeyStyle> styles = EnumSet.noneOf(KeyStyle.class);
        SplittableRandom rng = new SplittableRandom(3);
        List<byte[]> rendered = new ArrayList<>();
        for (byte[] line : clean.lines.subList(0, 20_000)) {
            KeyStyle style = styleOf(text(line));
            if (styles.add(style)) {
                rendered.add(MalformedLines.render(kind, line, 0, "web-prod-01", rng));
            }
        }
        assertThat(styles).containsExactlyInAnyOrder(KeyStyle.values());
        Result result = ReferenceDetector.detect(rendered, 0, Exclusions.defaults());
        assertThat(result.malformed()).isEqualTo(rendered.size());
    }

    @Test
    void eventsLookLikeElasticDefend() {
        Set<String> ids = new HashSet<>();
        Set<String> osTypes = new HashSet<>();
        Set<String> actions = new HashSet<>();
        int dotted = 0;
        for (byte[] line : clean.lines) {
            JsonNode e = tree(line);
            assertThat(e.get("@timestamp").textValue()).matches(MILLIS_Z);
            String id = e.path("event").path("id").textValue();
            assertThat(ids.add(id)).as("unique event.id %s", id).isTrue();
            assertThat(e.path("event").path("kind").textValue()).isEqualTo("event");
            assertThat(e.path("data_stream").path("dataset").textValue())
                    .isEqualTo(e.path("event").path("dataset").textValue())
                    .startsWith("endpoint.events.");
            assertThat(e.path("agent").path("type").textValue()).isEqualTo("endpoint");
            assertThat(e.path("process").path("entity_id").isTextual()).isTrue();
            assertThat(e.path("user").path("name").isTextual()).isTrue();
            JsonNode host = e.get("host");
            assertThat(host.path("name").isTextual()).isTrue();
            assertThat(host.path("os").path("kernel").isTextual()).isTrue();
            String osType =
                    e.has("host.os.type")
                            ? e.get("host.os.type").textValue()
                            : host.path("os").path("type").textValue();
            osTypes.add(osType);
            actions.add(
                    e.has("event.action")
                            ? e.get("event.action").textValue()
                            : e.path("event").path("action").textValue());
            if (styleOf(text(line)) != KeyStyle.NESTED) {
                dotted++;
            }
        }
        assertThat(osTypes).contains("linux", "windows", "macos");
        assertThat(actions)
                .contains(
                        "fork",
                        "exec",
                        "end",
                        "start",
                        "connection_attempted",
                        "connection_accepted",
                        "disconnect_received",
                        "lookup_requested",
                        "creation",
                        "modification",
                        "deletion");
        assertThat(dotted).isBetween(clean.lines.size() / 100, clean.lines.size() / 10);
    }

    @ParameterizedTest
    @CsvSource({"100, 20000", "2000, 200000"})
    void theEventRateFollowsEventsPerSecond(double rate, int events) {
        FleetConfig config = FleetConfig.of(events, 20, 1).withAttacks(1).withEventsPerSecond(rate);
        Corpus corpus = generate(config);
        // Activities lay out events ahead of the clock, so the corpus ends in a sparse tail; the
        // first half of
        // the nominal duration must hold half of the events.
        long halfway = config.start().toEpochMilli() + (long) (events / rate / 2 * 1000);
        long firstHalf = corpus.lines.stream().filter(line -> timestamp(line) < halfway).count();
        assertThat((double) firstHalf).isBetween(events / 2 * 0.9, events / 2 * 1.1);
    }

    private static KeyStyle styleOf(String line) {
        if (line.contains("\"process.parent.entity_id\"")) {
            return KeyStyle.DOTTED_PARENT;
        }
        if (line.contains("\"parent.entity_id\"")) {
            return KeyStyle.INNER_DOTTED_PARENT;
        }
        if (line.contains("\"event.action\"")) {
            return KeyStyle.DOTTED_EVENT;
        }
        if (line.contains("\"host.id\"")) {
            return KeyStyle.DOTTED_HOST;
        }
        return KeyStyle.NESTED;
    }

    static Corpus generate(FleetConfig config) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            FleetReport report = new FleetGenerator(config).writeTo(out);
            byte[] bytes = out.toByteArray();
            return new Corpus(bytes, splitLines(bytes), report);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** NDJSON: every line ends with '\n', so the piece after the last one is not a line. */
    static List<byte[]> splitLines(byte[] bytes) {
        assertThat(bytes).as("output ends with a newline").endsWith((byte) '\n');
        return NdjsonLines.split(bytes);
    }

    private static long timestamp(byte[] line) {
        return Instant.parse(tree(line).get("@timestamp").textValue()).toEpochMilli();
    }

    private static String text(byte[] line) {
        return new String(line, StandardCharsets.ISO_8859_1);
    }

    private static JsonNode tree(byte[] line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
