package io.sshdnetcon.job;

import static io.sshdnetcon.testing.SpecEvents.connect;
import static io.sshdnetcon.testing.SpecEvents.exec;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sshdnetcon.rule.ExclusionSet;
import io.sshdnetcon.rule.ExclusionSetJson;
import io.sshdnetcon.testing.MiniClusters;
import io.sshdnetcon.testing.ReplayRun;
import io.sshdnetcon.testing.ReplayRun.AlertPair;
import io.sshdnetcon.testing.SpecEvents;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole replay job on a MiniCluster: file source, parse, exclusions, CEP, alert building and
 * file sinks. The corpus holds every example of {@code docs/semantics.md}, each on its own host and
 * in its own minute, so one job checks them all.
 */
class DetectorPipelineITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(4);

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir Path dir;

    /** Example k happens on host "exK..." starting k minutes after the corpus begins. */
    private static long minute(int k) {
        return k * 60_000L;
    }

    /** The examples 1-12 of {@code docs/semantics.md}, in arrival order. */
    static List<SpecEvents.Builder> specExamples() {
        List<SpecEvents.Builder> events = new ArrayList<>();
        // 1: E, N at t=500 -> alert
        events.add(exec("1-E").host("ex1").at(minute(1)));
        events.add(connect("1-N").host("ex1").at(minute(1) + 500));
        // 2: N at t=1000 -> alert; N at t=1001 -> none
        events.add(exec("2a-E").host("ex2a").at(minute(2)));
        events.add(connect("2a-N").host("ex2a").at(minute(2) + 1000));
        events.add(exec("2b-E").host("ex2b").at(minute(2)));
        events.add(connect("2b-N").host("ex2b").at(minute(2) + 1001));
        // 3: N in the same millisecond -> alert
        events.add(exec("3-E").host("ex3").at(minute(3)));
        events.add(connect("3-N").host("ex3").at(minute(3)));
        // 4: N 5 ms before E -> none
        events.add(exec("4-E").host("ex4").at(minute(4)));
        events.add(connect("4-N").host("ex4").at(minute(4) - 5));
        // 5: two execs of the same entity, the later wins
        events.add(exec("5-E1").host("ex5").at(minute(5)));
        events.add(exec("5-E2").host("ex5").at(minute(5) + 300));
        events.add(connect("5-N").host("ex5").at(minute(5) + 500));
        // 6: the first connection consumes the exec
        events.add(exec("6-E").host("ex6").at(minute(6)));
        events.add(connect("6-N1").host("ex6").at(minute(6) + 200));
        events.add(connect("6-N2").host("ex6").at(minute(6) + 400));
        // 7: an excluded connection does not consume the exec
        events.add(exec("7-E").host("ex7").at(minute(7)));
        events.add(connect("7-Nprivate").host("ex7").at(minute(7) + 100).destination("10.1.2.3"));
        events.add(connect("7-N").host("ex7").at(minute(7) + 200));
        // 8: a connection by the exec'd process itself (its entity is X, its parent is sshd)
        events.add(exec("8-E").host("ex8").at(minute(8)));
        events.add(
                connect("8-N").host("ex8").at(minute(8) + 100).entity("X").parentEntity("SSHD-1"));
        // 9: destination edges
        String[][] destinations = {
            {"a", "172.32.0.1"}, {"b", "172.31.255.255"}, {"c", "100.128.0.1"},
            {"d", "::ffff:10.0.0.1"}, {"e", "fe80::1%eth0"}, {"f", "2001:4860:4860::8888"}
        };
        for (String[] d : destinations) {
            String host = "ex9" + d[0];
            events.add(exec("9" + d[0] + "-E").host(host).at(minute(9)));
            events.add(connect("9" + d[0] + "-N").host(host).at(minute(9) + 100).destination(d[1]));
        }
        // 10: process.name "SSH" -> alert, "ssh" -> none, missing -> alert
        events.add(exec("10a-E").host("ex10a").at(minute(10)));
        events.add(connect("10a-N").host("ex10a").at(minute(10) + 100).processName("SSH"));
        events.add(exec("10b-E").host("ex10b").at(minute(10)));
        events.add(connect("10b-N").host("ex10b").at(minute(10) + 100).processName("ssh"));
        events.add(exec("10c-E").host("ex10c").at(minute(10)));
        events.add(connect("10c-N").host("ex10c").at(minute(10) + 100).remove("process.name"));
        // 11: destination "not-an-ip" -> none, dead letter
        events.add(exec("11-E").host("ex11").at(minute(11)));
        events.add(connect("11-N").host("ex11").at(minute(11) + 100).destination("not-an-ip"));
        // 12: exec on one host, connection on another with the same entity
        events.add(exec("12-E").host("ex12a").at(minute(12)));
        events.add(connect("12-N").host("ex12b").at(minute(12) + 100));
        return events;
    }

    static final List<AlertPair> SPEC_ALERTS =
            List.of(
                    AlertPair.of("1-E", "1-N"),
                    AlertPair.of("2a-E", "2a-N"),
                    AlertPair.of("3-E", "3-N"),
                    AlertPair.of("5-E2", "5-N"),
                    AlertPair.of("6-E", "6-N1"),
                    AlertPair.of("7-E", "7-N"),
                    AlertPair.of("9a-E", "9a-N"),
                    AlertPair.of("9c-E", "9c-N"),
                    AlertPair.of("9f-E", "9f-N"),
                    AlertPair.of("10a-E", "10a-N"),
                    AlertPair.of("10c-E", "10c-N"));

    @Test
    void raisesExactlyTheSpecsAlerts() throws Exception {
        ReplayRun.Result result = ReplayRun.in(dir).events(specExamples());

        assertThat(result.pairs()).containsExactlyInAnyOrderElementsOf(SPEC_ALERTS);
        assertThat(result.alertIds()).doesNotHaveDuplicates();
        assertThat(result.deadLetterReasons()).containsExactly("invalid_destination");
        assertThat(result.deadLetters().get(0).get("payload").asText()).contains("\"11-N\"");
        assertThat(result.lateEvents()).isEmpty();

        JobSummary s = result.summary();
        assertThat(s.read()).isEqualTo(specExamples().size());
        assertThat(s.malformed()).isZero();
        assertThat(s.invalidDestination()).isEqualTo(1);
        assertThat(s.alerts()).isEqualTo(SPEC_ALERTS.size());
        // 7 private, 9b/9d/9e destinations and 10b's "ssh".
        assertThat(s.excluded()).isEqualTo(5);
    }

    @Test
    void everyAlertCarriesBothOriginalEvents() throws Exception {
        ReplayRun.Result result = ReplayRun.in(dir).events(specExamples());

        JsonNode alert =
                result.alerts().stream()
                        .filter(a -> a.at("/Events/1/event/id").asText().equals("1-N"))
                        .findFirst()
                        .orElseThrow();
        assertThat(alert.at("/Events/0"))
                .isEqualTo(MAPPER.readTree(exec("1-E").host("ex1").at(minute(1)).json()));
        assertThat(alert.at("/event/kind").asText()).isEqualTo("alert");
        assertThat(alert.at("/host/id").asText()).isEqualTo("ex1");
        assertThat(alert.at("/detection/sequence_span_ms").asLong()).isEqualTo(500);
    }

    @Test
    void outOfOrderDeliveryWithinTheBoundChangesNothing() throws Exception {
        List<SpecEvents.Builder> reversedWithinEachExample = new ArrayList<>();
        List<SpecEvents.Builder> spec = specExamples();
        // Each example spans at most 1.1 s, far inside the 5 s bound: deliver each one backwards.
        String currentHostGroup = null;
        List<SpecEvents.Builder> group = new ArrayList<>();
        for (SpecEvents.Builder e : spec) {
            String example = e.json().replaceAll(".*\"id\":\"(\\d+)[a-z]?-.*", "$1");
            if (!example.equals(currentHostGroup)) {
                Collections.reverse(group);
                reversedWithinEachExample.addAll(group);
                group.clear();
                currentHostGroup = example;
            }
            group.add(e);
        }
        Collections.reverse(group);
        reversedWithinEachExample.addAll(group);
        assertThat(reversedWithinEachExample).hasSameSizeAs(spec).isNotEqualTo(spec);

        ReplayRun.Result result = ReplayRun.in(dir).events(reversedWithinEachExample);

        assertThat(result.pairs()).containsExactlyInAnyOrderElementsOf(SPEC_ALERTS);
        assertThat(result.lateEvents()).isEmpty();
    }

    @Test
    void duplicateDeliveriesDoNotDuplicateAlerts() throws Exception {
        List<SpecEvents.Builder> twice = new ArrayList<>();
        for (SpecEvents.Builder e : specExamples()) {
            twice.add(e);
            twice.add(e);
        }
        ReplayRun.Result result = ReplayRun.in(dir).events(twice);

        assertThat(result.pairs()).containsExactlyInAnyOrderElementsOf(SPEC_ALERTS);
        assertThat(result.alertIds()).doesNotHaveDuplicates();
    }

    @Test
    void eventsMoreThanTheBoundBehindTheirHostAreSetAsideAndCounted() throws Exception {
        List<SpecEvents.Builder> events =
                List.of(
                        exec("on-time-E").host("late").at(0),
                        // Irrelevant, but it moves host "late" to 5 s: with a 1 s bound, its
                        // events before 4 s are late; host "boundary" is not affected.
                        exec("noise").host("late").at(5000).set("event.action", "fork"),
                        connect("late-N").host("late").at(500),
                        exec("late-E2").host("late").at(3999),
                        connect("late-N2").host("late").at(4000),
                        exec("boundary-E").host("boundary").at(4000),
                        connect("boundary-N").host("boundary").at(4500));

        ReplayRun.Result result = ReplayRun.in(dir).maxOutOfOrdernessMillis(1000).events(events);

        assertThat(result.pairs()).containsExactly(AlertPair.of("boundary-E", "boundary-N"));
        assertThat(result.lateEvents())
                .extracting(l -> l.get("reason").asText())
                .containsOnly("late_event");
        assertThat(result.lateEvents())
                .extracting(
                        l -> MAPPER.readTree(l.get("payload").asText()).at("/event/id").asText())
                .containsExactlyInAnyOrder("late-N", "late-E2");
        assertThat(result.summary().late()).isEqualTo(2);
    }

    @Test
    void malformedLinesAreDeadLetteredAndTheRestIsUnaffected() throws Exception {
        List<String> lines = new ArrayList<>();
        List<String> bad =
                List.of(
                        "not json",
                        "{\"truncated\":",
                        "[1,2,3]",
                        "",
                        "{\"@timestamp\":\"yesterday\"}",
                        "{\"event\":{\"action\":\"exec\"}}",
                        exec("typed").set("event.action", 5).json());
        int i = 0;
        for (SpecEvents.Builder e : specExamples()) {
            lines.add(e.json());
            if (i < bad.size()) {
                lines.add(bad.get(i++));
            }
        }
        ReplayRun.Result result = ReplayRun.in(dir).lines(lines);

        assertThat(result.pairs()).containsExactlyInAnyOrderElementsOf(SPEC_ALERTS);
        assertThat(result.summary().malformed()).isEqualTo(bad.size());
        assertThat(result.deadLetterReasons())
                .containsExactlyInAnyOrder(
                        "not_json",
                        "not_json",
                        "not_an_object",
                        "not_json",
                        "invalid_timestamp",
                        "invalid_timestamp",
                        "wrong_type",
                        "invalid_destination");
        assertThat(result.deadLetters())
                .extracting(d -> d.get("payload").asText())
                .containsAll(bad);
    }

    @Test
    void anExclusionFileReplacesTheDefaults() throws Exception {
        ExclusionSet defaults = ExclusionSetJson.defaults();
        List<String> cidrs = new ArrayList<>(defaults.destinationCidrs());
        cidrs.add("100.128.0.0/16");
        ExclusionSet custom =
                new ExclusionSet(
                        1,
                        cidrs,
                        defaults.processExecutables(),
                        List.of("login_duo", "sshd", "sshd-session"));

        ReplayRun.Result result = ReplayRun.in(dir).exclusions(custom).events(specExamples());

        // 9c's destination is now listed; "ssh" no longer is, so 10b alerts.
        List<AlertPair> expected = new ArrayList<>(SPEC_ALERTS);
        expected.remove(AlertPair.of("9c-E", "9c-N"));
        expected.add(AlertPair.of("10b-E", "10b-N"));
        assertThat(result.pairs()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(result.alerts())
                .extracting(a -> a.at("/detection/exclusions_version").asLong())
                .containsOnly(1L);
    }

    @Test
    void parallelismAndRepetitionDoNotChangeTheResult() throws Exception {
        ReplayRun.Result first = ReplayRun.in(dir).parallelism(1).events(specExamples());
        ReplayRun.Result parallel = ReplayRun.in(dir).parallelism(4).events(specExamples());

        assertThat(parallel.pairs()).containsExactlyInAnyOrderElementsOf(first.pairs());
        assertThat(parallel.alertIds()).containsExactlyInAnyOrderElementsOf(first.alertIds());
    }
}
