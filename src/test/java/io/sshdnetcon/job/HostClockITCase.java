package io.sshdnetcon.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sshdnetcon.fleet.FleetConfig;
import io.sshdnetcon.fleet.FleetGenerator;
import io.sshdnetcon.fleet.FleetReport;
import io.sshdnetcon.fleet.HostClock;
import io.sshdnetcon.fleet.PlantedAttack;
import io.sshdnetcon.testing.MiniClusters;
import io.sshdnetcon.testing.NdjsonLines;
import io.sshdnetcon.testing.ReferenceDetector;
import io.sshdnetcon.testing.ReferenceDetector.Lateness;
import io.sshdnetcon.testing.ReplayRun;
import io.sshdnetcon.testing.SpecEvents;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Time is per host (issue 7): the replay topology on a MiniCluster over fleets where one host's
 * clock or agent is at fault, against {@link ReferenceDetector} with {@link Lateness#PER_HOST}. Per
 * host, the job's alerts (exec and network event ids) and late events must be the reference's. The
 * planted attacks on the faulty host must be found, and so must every other host's: none may be
 * lost because of another host. Each case also shows that one time for the whole input (the
 * detector before issue 7) would lose attacks on the same input, so these tests fail on it.
 */
class HostClockITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TEN_MINUTES = 600_000;
    private static final long FIFTEEN_MINUTES = 900_000;
    private static final long ONE_HOUR = 3_600_000;

    /** The per-host bound of the fleet cases (the replay default). */
    private static final long B = 5_000;

    @TempDir Path dir;

    /** 2000 s of fleet time, 30 hosts, per-host disorder within 1 s, a few duplicates. */
    private static FleetConfig fleet(long seed) {
        return FleetConfig.of(20_000, 30, seed)
                .withAttacks(10)
                .withEventsPerSecond(10)
                .withDisorderMs(1_000)
                .withDuplicateRate(0.01);
    }

    @Test
    void aHostTenMinutesBehind() throws Exception {
        Corpus corpus = generate(fleet(41).withSkewedHosts(1, -TEN_MINUTES));
        Outcome outcome = compare(corpus);

        outcome.assertEveryPlantedAttackFound();
        assertThat(outcome.expected().late()).isZero();
        // One global time makes every event of the host behind late.
        assertThat(outcome.globalLosses()).isNotEmpty().allMatch(corpus::onFaultyHost);
    }

    @Test
    void aHostAnHourAheadSharingTheInputWithNormalHosts() throws Exception {
        Corpus corpus = generate(fleet(42).withSkewedHosts(1, ONE_HOUR));
        Outcome outcome = compare(corpus);

        outcome.assertEveryPlantedAttackFound();
        assertThat(outcome.expected().late()).isZero();
        // One global time: the host ahead makes every other host's events late.
        assertThat(outcome.globalLosses()).isNotEmpty().noneMatch(corpus::onFaultyHost);
    }

    @Test
    void anAgentOfflineForFifteenMinutesThatFlushesItsBuffer() throws Exception {
        Corpus corpus = generate(fleet(43).withDelayedHosts(1, FIFTEEN_MINUTES));
        Outcome outcome = compare(corpus);

        outcome.assertEveryPlantedAttackFound();
        assertThat(outcome.expected().late()).isZero();
        assertThat(outcome.globalLosses()).isNotEmpty().allMatch(corpus::onFaultyHost);
    }

    @Test
    void aHostWhoseClockStepsBackTenMinutesMidStream() throws Exception {
        Corpus corpus = generate(fleet(44).withSteppingHosts(1, -TEN_MINUTES));
        Outcome outcome = compare(corpus);
        HostClock stepping = corpus.report().hostClocks().get(0);

        // Late for itself only, from its step on, until its clock catches up: attacks planted
        // there after that are found. Every other host loses nothing.
        int step = corpus.stepIndex(stepping.hostId());
        ReferenceDetector.Result expected = outcome.expected();
        assertThat(expected.lateByHost().keySet()).containsExactly(stepping.hostId());
        assertThat(expected.lateLines())
                .allSatisfy(l -> assertThat(l.arrival()).isGreaterThanOrEqualTo(step));
        Set<AlertPair> afterTheStep =
                corpus.attacks().keySet().stream()
                        .filter(corpus::onFaultyHost)
                        .filter(a -> corpus.indexOf(a.execEventId()) >= step)
                        .collect(Collectors.toSet());
        Set<AlertPair> lostToTheStep = new HashSet<>(corpus.attacks().keySet());
        lostToTheStep.removeAll(outcome.actualPairs());
        assertThat(lostToTheStep)
                .isNotEmpty()
                .allMatch(afterTheStep::contains)
                .allMatch(a -> outcome.lateEventIds().contains(a.execEventId()));
        assertThat(afterTheStep)
                .as("attacks found on the stepping host after its step back")
                .hasSizeGreaterThan(lostToTheStep.size());
        // With one global time the host never catches up: it loses more.
        assertThat(outcome.globalLosses())
                .containsAll(lostToTheStep)
                .hasSizeGreaterThan(lostToTheStep.size());
    }

    /**
     * Disorder just inside and just outside the bound, on a host whose newest time comes from an
     * event the rule does not use, interleaved with a host an hour ahead whose newest time comes
     * from a candidate. An event B - 1 or B ms behind its host's newest is on time; B + 1 ms behind
     * is late, and its dead letter names that host's newest time.
     */
    @Test
    void disorderJustInsideAndJustOutsideTheBoundOfEachHost() throws Exception {
        long bound = 2_000;
        long n = 10_000; // h1's newest: an exec whose parent is not sshd
        long m = ONE_HOUR + 20_000; // h2's newest: a candidate exec
        List<SpecEvents.Builder> events =
                List.of(
                        exec("h2-E0", "h2", "Y0", m),
                        exec("h1-clock", "h1", "A0", n)
                                .set("process.parent.executable", "/usr/bin/bash"),
                        exec("h2-E1", "h2", "Y1", m - bound + 1),
                        exec("h1-E1", "h1", "A1", n - bound + 1),
                        connect("h2-N1", "h2", "Y1", m - bound + 1),
                        connect("h1-N1", "h1", "A1", n - bound + 1),
                        exec("h1-E2", "h1", "A2", n - bound),
                        exec("h2-E2", "h2", "Y2", m - bound),
                        connect("h1-N2", "h1", "A2", n - bound + 500),
                        connect("h2-N2", "h2", "Y2", m - bound + 1000),
                        // A late exec pairs with nothing, though its connection is on time.
                        exec("h1-E3", "h1", "A3", n - bound - 1),
                        connect("h1-N3", "h1", "A3", n - bound + 200),
                        exec("h2-E3", "h2", "Y3", m - bound - 1),
                        connect("h2-N3", "h2", "Y3", m - bound + 100),
                        exec("h1-E4", "h1", "A4", n - bound - 1),
                        connect("h1-N4", "h1", "A4", n - bound - 1));
        List<byte[]> lines = events.stream().map(SpecEvents.Builder::bytes).toList();

        ReferenceDetector.Result expected =
                ReferenceDetector.detect(
                        lines, bound, ReferenceDetector.Exclusions.defaults(), Lateness.PER_HOST);
        ReplayRun.Result actual =
                ReplayRun.in(dir).maxOutOfOrdernessMillis(bound).parallelism(2).bytes(lines);

        List<AlertPair> alerts =
                List.of(
                        new AlertPair("h1-E1", "h1-N1"),
                        new AlertPair("h1-E2", "h1-N2"),
                        new AlertPair("h2-E1", "h2-N1"),
                        new AlertPair("h2-E2", "h2-N2"));
        assertThat(pairs(expected)).containsExactlyInAnyOrderElementsOf(alerts);
        assertThat(pairs(actual)).containsExactlyInAnyOrderElementsOf(alerts);

        long h1Newest = SpecEvents.BEGINNING.toEpochMilli() + n;
        long h2Newest = SpecEvents.BEGINNING.toEpochMilli() + m;
        Map<String, Long> late =
                Map.of("h1-E3", h1Newest, "h1-E4", h1Newest, "h1-N4", h1Newest, "h2-E3", h2Newest);
        assertThat(
                        expected.lateLines().stream()
                                .collect(
                                        Collectors.toMap(
                                                ReferenceDetector.LateLine::eventId,
                                                ReferenceDetector.LateLine::maxTimestampMs)))
                .isEqualTo(late);
        Map<String, Long> dead = new HashMap<>();
        for (JsonNode letter : actual.lateEvents()) {
            String eventId = JSON.readTree(letter.get("payload").asText()).at("/event/id").asText();
            String host = eventId.substring(0, 2);
            assertThat(letter.get("detail").asText())
                    .endsWith(
                            " is more than "
                                    + bound
                                    + " ms behind host "
                                    + host
                                    + "'s newest event time "
                                    + Instant.ofEpochMilli(late.get(eventId)));
            assertThat(letter.get("offset").asLong())
                    .as("the 1-based line number")
                    .isEqualTo(indexOf(events, eventId) + 1);
            dead.put(eventId, late.get(eventId));
        }
        assertThat(dead).isEqualTo(late);
        assertThat(actual.summary().late()).isEqualTo(late.size());
        assertThat(DifferentialITCase.lateEventsByLine(actual))
                .isEqualTo(
                        expected.lateLines().stream()
                                .collect(
                                        Collectors.toMap(
                                                l -> (long) l.arrival(),
                                                ReferenceDetector.LateLine::maxTimestampMs)));
        // One global time: every h1 event is more than an hour behind h2's.
        assertThat(
                        pairs(
                                ReferenceDetector.detect(
                                        lines, bound, ReferenceDetector.Exclusions.defaults())))
                .containsExactlyInAnyOrder(
                        new AlertPair("h2-E1", "h2-N1"), new AlertPair("h2-E2", "h2-N2"));
    }

    private static SpecEvents.Builder exec(String id, String host, String entity, long at) {
        return SpecEvents.exec(id).host(host).entity(entity).at(at);
    }

    private static SpecEvents.Builder connect(String id, String host, String entity, long at) {
        return SpecEvents.connect(id).host(host).parentEntity(entity).at(at);
    }

    private static int indexOf(List<SpecEvents.Builder> events, String eventId) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).json().contains("\"id\":\"" + eventId + "\"")) {
                return i;
            }
        }
        throw new IllegalArgumentException(eventId);
    }

    /** One alert, by its exec and network {@code event.id}. */
    record AlertPair(String execEventId, String networkEventId) {}

    private static List<AlertPair> pairs(ReferenceDetector.Result result) {
        return result.alerts().stream()
                .map(a -> new AlertPair(a.execEventId(), a.networkEventId()))
                .toList();
    }

    private static List<AlertPair> pairs(ReplayRun.Result result) {
        return result.pairs().stream()
                .map(p -> new AlertPair(p.execEventId(), p.networkEventId()))
                .toList();
    }

    /**
     * A generated corpus, read back: per line its host.id, event.id, {@code @timestamp} and whether
     * the job takes it as a candidate of the rule.
     */
    private record Corpus(
            List<byte[]> lines,
            FleetReport report,
            List<String> hosts,
            List<String> eventIds,
            List<Long> timestamps,
            List<Boolean> candidates) {

        Set<String> faultyHosts() {
            return report.hostClocks().stream().map(HostClock::hostId).collect(Collectors.toSet());
        }

        String hostOf(String eventId) {
            return hosts.get(eventIds.indexOf(eventId));
        }

        int indexOf(String eventId) {
            return eventIds.indexOf(eventId);
        }

        /** The index of the first line {@code host} sends after its clock stepped back. */
        int stepIndex(String host) {
            long newest = Long.MIN_VALUE;
            for (int i = 0; i < lines.size(); i++) {
                if (host.equals(hosts.get(i))) {
                    if (timestamps.get(i) < newest - TEN_MINUTES / 2) {
                        return i;
                    }
                    newest = Math.max(newest, timestamps.get(i));
                }
            }
            throw new AssertionError(host + " never steps back");
        }

        boolean onFaultyHost(AlertPair pair) {
            return faultyHosts().contains(hostOf(pair.execEventId()));
        }

        /** The planted attacks, each with its host.id. */
        Map<AlertPair, String> attacks() {
            Map<AlertPair, String> out = new HashMap<>();
            for (PlantedAttack a : report.attacks()) {
                out.put(
                        new AlertPair(a.execEventId(), a.networkEventId()),
                        hostOf(a.execEventId()));
            }
            return out;
        }
    }

    private static Corpus generate(FleetConfig config) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FleetReport report = new FleetGenerator(config).writeTo(out);
        List<byte[]> lines = NdjsonLines.split(out.toByteArray());
        List<String> hosts = new ArrayList<>();
        List<String> eventIds = new ArrayList<>();
        List<Long> timestamps = new ArrayList<>();
        List<Boolean> candidates = new ArrayList<>();
        for (byte[] line : lines) {
            Map<String, JsonNode> f = flatten(JSON.readTree(line));
            hosts.add(text(f, "host.id"));
            eventIds.add(text(f, "event.id"));
            timestamps.add(Instant.parse(text(f, "@timestamp")).toEpochMilli());
            candidates.add(isCandidate(f));
        }
        return new Corpus(lines, report, hosts, eventIds, timestamps, candidates);
    }

    /**
     * The job's candidates (RouteParsedRecords): a stage filter of the rule holds, before the
     * exclusions, and host.id and the join value have one value each. Generated traffic has no
     * malformed values, so nothing finer is needed.
     */
    private static boolean isCandidate(Map<String, JsonNode> f) {
        if (!has(f, "host.os.type", "linux") || !has(f, "event.type", "start")) {
            return false;
        }
        String joinField;
        if (has(f, "event.action", "exec")
                && has(f, "event.category", "process")
                && has(f, "process.parent.executable", "/usr/sbin/sshd")) {
            joinField = "process.entity_id";
        } else if (has(f, "event.action", "connection_attempted")
                && has(f, "event.category", "network")) {
            joinField = "process.parent.entity_id";
        } else {
            return false;
        }
        return text(f, "host.id") != null && text(f, joinField) != null;
    }

    /** Dotted keys and nested objects alike become dotted paths. */
    private static Map<String, JsonNode> flatten(JsonNode root) {
        Map<String, JsonNode> out = new HashMap<>();
        flatten(root, "", out);
        return out;
    }

    private static void flatten(JsonNode node, String prefix, Map<String, JsonNode> out) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String path = prefix + field.getKey();
            if (field.getValue().isObject()) {
                flatten(field.getValue(), path + ".", out);
            } else {
                out.put(path, field.getValue());
            }
        }
    }

    private static String text(Map<String, JsonNode> f, String path) {
        JsonNode v = f.get(path);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    private static boolean has(Map<String, JsonNode> f, String path, String value) {
        JsonNode v = f.get(path);
        if (v == null) {
            return false;
        }
        if (v.isArray()) {
            for (JsonNode e : v) {
                if (value.equals(e.asText(null))) {
                    return true;
                }
            }
            return false;
        }
        return value.equals(v.asText(null));
    }

    /** The job's run and the reference's answers on one corpus. */
    private record Outcome(
            Corpus corpus,
            ReferenceDetector.Result expected,
            ReferenceDetector.Result global,
            ReplayRun.Result actual) {

        Set<AlertPair> actualPairs() {
            return new HashSet<>(pairs(actual));
        }

        Set<String> lateEventIds() {
            return expected.lateLines().stream()
                    .map(ReferenceDetector.LateLine::eventId)
                    .collect(Collectors.toSet());
        }

        /** Planted attacks one time for the whole input would lose. */
        Set<AlertPair> globalLosses() {
            Set<AlertPair> lost = new HashSet<>(corpus.attacks().keySet());
            lost.removeAll(pairs(global));
            return lost;
        }

        /** Every planted attack, on the faulty host and on all the others, and nothing else. */
        void assertEveryPlantedAttackFound() {
            Map<AlertPair, String> attacks = corpus.attacks();
            assertThat(attacks.values())
                    .as("attacks are planted on the faulty host")
                    .containsAll(corpus.faultyHosts());
            assertThat(actualPairs()).isEqualTo(attacks.keySet());
        }
    }

    /**
     * Runs the replay job (parallelism 2) and the reference on the corpus, and checks per host: the
     * same alerts, each alert once, and the same late events with the same host newest time.
     */
    private Outcome compare(Corpus corpus) throws Exception {
        ReferenceDetector.Result expected =
                ReferenceDetector.detect(
                        corpus.lines(),
                        B,
                        ReferenceDetector.Exclusions.defaults(),
                        Lateness.PER_HOST);
        ReferenceDetector.Result global =
                ReferenceDetector.detect(
                        corpus.lines(), B, ReferenceDetector.Exclusions.defaults());
        ReplayRun.Result actual = ReplayRun.in(dir).parallelism(2).bytes(corpus.lines());

        Map<String, Set<AlertPair>> expectedByHost = new TreeMap<>();
        for (AlertPair pair : pairs(expected)) {
            expectedByHost
                    .computeIfAbsent(corpus.hostOf(pair.networkEventId()), h -> new HashSet<>())
                    .add(pair);
        }
        Map<String, Set<AlertPair>> actualByHost = new TreeMap<>();
        for (JsonNode alert : actual.alerts()) {
            actualByHost
                    .computeIfAbsent(alert.at("/host/id").asText(), h -> new HashSet<>())
                    .add(
                            new AlertPair(
                                    alert.at("/Events/0/event/id").asText(),
                                    alert.at("/Events/1/event/id").asText()));
        }
        assertThat(actualByHost).isEqualTo(expectedByHost);
        assertThat(actual.alertIds()).doesNotHaveDuplicates().hasSize(expected.alerts().size());

        Map<Long, Long> expectedLate = new TreeMap<>();
        for (ReferenceDetector.LateLine l : expected.lateLines()) {
            if (corpus.candidates().get(l.arrival())) {
                expectedLate.put((long) l.arrival(), l.maxTimestampMs());
            }
        }
        assertThat(DifferentialITCase.lateEventsByLine(actual)).isEqualTo(expectedLate);
        assertThat(actual.summary().late()).isEqualTo(expectedLate.size());
        assertThat(actual.summary().read()).isEqualTo(corpus.lines().size());
        return new Outcome(corpus, expected, global, actual);
    }
}
