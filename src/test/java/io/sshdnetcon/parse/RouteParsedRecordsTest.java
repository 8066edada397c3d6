package io.sshdnetcon.parse;

import static io.sshdnetcon.testing.SpecEvents.connect;
import static io.sshdnetcon.testing.SpecEvents.exec;
import static io.sshdnetcon.testing.SpecEvents.unrelated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.DeadLetterReason;
import io.sshdnetcon.event.HostEvent;
import io.sshdnetcon.event.Outcome;
import io.sshdnetcon.event.ParsedRecord;
import io.sshdnetcon.metrics.MetricNames;
import io.sshdnetcon.testing.HarnessMetrics;
import io.sshdnetcon.testing.SpecEvents;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The operator right after the source: what it forwards (with its host's clock), what it
 * dead-letters, what it drops and counts.
 */
class RouteParsedRecordsTest {

    private static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    private static final String TOPIC = "events";
    private static final int PARTITION = 3;

    private EcsEventParser parser = new EcsEventParser();

    /** Epoch ms of {@code ms} after {@link SpecEvents#BEGINNING}. */
    private static long t(long ms) {
        return SpecEvents.BEGINNING.toEpochMilli() + ms;
    }

    private ParsedRecord parse(SpecEvents.Builder event, long offset) {
        return parse(event.toString(), offset);
    }

    private ParsedRecord parse(String line, long offset) {
        return parser.parse(line.getBytes(StandardCharsets.UTF_8), TOPIC, PARTITION, offset);
    }

    private static OneInputStreamOperatorTestHarness<ParsedRecord, HostEvent> harness(
            HarnessMetrics metrics) throws Exception {
        var h =
                new OneInputStreamOperatorTestHarness<ParsedRecord, HostEvent>(
                        new ProcessOperator<>(
                                new RouteParsedRecords(
                                        DEAD_LETTERS,
                                        Duration.ofSeconds(2),
                                        Duration.ofSeconds(1),
                                        Duration.ofHours(1))),
                        metrics.environment());
        h.setup();
        h.open();
        return h;
    }

    /** The record as the source emits it, stamped with its event time (none if malformed). */
    private static void process(
            OneInputStreamOperatorTestHarness<ParsedRecord, HostEvent> h, ParsedRecord record)
            throws Exception {
        h.processElement(record, record.timestamp());
    }

    private static List<StreamRecord<DeadLetter>> side(
            OneInputStreamOperatorTestHarness<ParsedRecord, HostEvent> h,
            OutputTag<DeadLetter> tag) {
        Queue<StreamRecord<DeadLetter>> side = h.getSideOutput(tag);
        return side == null ? List.of() : List.copyOf(side);
    }

    @Test
    void candidatesCarryTheNewestTimeTheirHostHadBefore() throws Exception {
        ParsedRecord e = parse(exec("E"), 1);
        ParsedRecord n = parse(connect("N").at(500), 2);
        ParsedRecord n2 = parse(connect("N2").at(401), 3);
        ParsedRecord other = parse(connect("O").host("other").at(9_000), 4);
        assertThat(List.of(e.outcome(), n.outcome(), n2.outcome(), other.outcome()))
                .containsOnly(Outcome.CANDIDATE);
        try (var metrics = new HarnessMetrics();
                var h = harness(metrics)) {
            for (ParsedRecord r : List.of(e, n, n2, other)) {
                process(h, r);
            }

            assertThat(h.extractOutputValues())
                    .containsExactly(
                            host(e, HostEvent.NO_CLOCK, 0),
                            host(n, t(0), 0),
                            host(n2, t(500), 99),
                            host(other, HostEvent.NO_CLOCK, 0));
            assertThat(side(h, DEAD_LETTERS)).isEmpty();
            assertThat(metrics.count("events_in")).isEqualTo(4);
            assertThat(metrics.count("events_parsed")).isEqualTo(4);
            assertThat(metrics.count("events_relevant")).isEqualTo(4);
        }
    }

    /** From Kafka, the delay is the record's timestamp minus {@code @timestamp}, either sign. */
    @Test
    void candidatesFromKafkaCarryTheirRecordsArrivalDelay() throws Exception {
        ParsedRecord late = parser.parse(exec("E").bytes(), TOPIC, PARTITION, 1, t(90_000));
        ParsedRecord ahead =
                parser.parse(connect("N").at(500).bytes(), TOPIC, PARTITION, 2, t(-3_600_000));
        try (var metrics = new HarnessMetrics();
                var h = harness(metrics)) {
            process(h, late);
            process(h, ahead);

            assertThat(h.extractOutputValues())
                    .extracting(e -> e.event().eventId(), e -> e.event().arrivalDelayMs())
                    .containsExactly(tuple("E", 90_000L), tuple("N", -3_600_500L));
        }
    }

    /**
     * The spread of host clock offsets reaches a reporter as gauges of the detector's group, once
     * the route has summarised it (on its first clock read, after {@code 1024} records).
     */
    @Test
    void theSpreadOfHostClockOffsetsIsExportedAsGauges() throws Exception {
        try (var metrics = new HarnessMetrics();
                var h = harness(metrics)) {
            for (int i = 0; i < 1024; i++) {
                // "ahead": its events are stamped 2 h after they reach Kafka; "behind": 90 s
                // before.
                String host = i % 2 == 0 ? "ahead" : "behind";
                long arrival = i % 2 == 0 ? t(i - 7_200_000L) : t(i + 90_000L);
                process(
                        h,
                        parser.parse(
                                exec("E" + i).host(host).at(i).bytes(),
                                TOPIC,
                                PARTITION,
                                i,
                                arrival));
            }
            assertThat(metrics.gauge(MetricNames.HOSTS_TRACKED)).isEqualTo(2);
            assertThat(metrics.gauge(MetricNames.HOSTS_CLOCK_AHEAD_1M)).isEqualTo(1);
            assertThat(metrics.gauge(MetricNames.HOSTS_CLOCK_AHEAD_1H)).isEqualTo(1);
            assertThat(metrics.gauge(MetricNames.HOSTS_CLOCK_BEHIND_1M)).isEqualTo(1);
            assertThat(metrics.gauge(MetricNames.HOSTS_CLOCK_BEHIND_1H)).isEqualTo(0);
            assertThat(metrics.gauge(MetricNames.HOST_CLOCK_OFFSET_MAX_MS)).isEqualTo(7_200_000L);
        }
    }

    /**
     * An irrelevant event tells the ordering that its host's time moved only when that moves the
     * host's release frontier (newest - bound - 1) past a time at which the ordering has something
     * to release: a candidate's time, or an exec's time + maxspan (its expiry). Events that do not
     * move the host's time, and other hosts' events, say nothing. The same for records the byte
     * prefilter skips: only their time and host are read, and they move the host's time alike.
     */
    @ParameterizedTest
    @EnumSource(Validation.class)
    void irrelevantEventsTickTheirHostsClockOnlyWhenTheyReleaseSomething(Validation validation)
            throws Exception {
        parser = new EcsEventParser(EcsEventParser.DEFAULT_MAX_RECORD_BYTES, validation);
        // bound 2 s, maxspan 1 s: the exec at 0 leaves when the frontier (newest - 2001) reaches
        // 0, at newest 2001, and its expiry when it reaches 1000, at newest 3001.
        try (var metrics = new HarnessMetrics();
                var h = harness(metrics)) {
            process(h, parse(unrelated("U0").host("h1").at(-5_000), 1));
            process(h, parse(exec("E").at(0), 2));
            process(h, parse(unrelated("U1").host("h1").at(1_000), 3));
            process(h, parse(unrelated("U2").host("h1").at(500), 4));
            process(h, parse(unrelated("U3").host("h1").at(3_000), 5));
            process(h, parse(unrelated("U4").host("h1").at(3_001), 6));
            process(h, parse(unrelated("U5").host("h1").at(3_002), 7));
            process(h, parse(unrelated("X").host("other").at(4_000), 8));

            assertThat(h.extractOutputValues())
                    .extracting(
                            HostEvent::hostId,
                            HostEvent::hostClockBefore,
                            HostEvent::timestamp,
                            HostEvent::isClockOnly)
                    .containsExactly(
                            tuple("h1", t(-5_000), t(0), false),
                            tuple("h1", t(1_000), t(3_000), true),
                            tuple("h1", t(3_000), t(3_001), true));
            long skipped = validation == Validation.CANDIDATES ? 7 : 0;
            assertThat(metrics.count("events_skipped")).isEqualTo(skipped);
            assertThat(metrics.count("events_irrelevant")).isEqualTo(7 - skipped);
            assertThat(metrics.count("events_parsed")).isEqualTo(8 - skipped);
        }
    }

    /** A file has no arrival time: the delay is how far behind its host's newest time it came. */
    private static HostEvent host(ParsedRecord r, long clockBefore, long arrivalDelay) {
        return new HostEvent(
                r.hostId(),
                clockBefore,
                r.timestamp(),
                r.event().withArrivalDelay(arrivalDelay),
                r.source(),
                r.partition(),
                r.offset());
    }

    /**
     * Malformed records and connections to a destination that is not an IP literal go to the dead
     * letters as the parser made them, counted per reason; nothing passes.
     */
    @Test
    void badRecordsAreDeadLetteredWithTheirReason() throws Exception {
        ParsedRecord notJson = parse("not json", 21);
        ParsedRecord duplicate =
                parse("{\"@timestamp\":\"2026-01-05T10:00:00Z\",\"a\":1,\"a\":2}", 22);
        ParsedRecord wrongType = parse(exec("E").set("event.action", 5), 23);
        ParsedRecord notAnIp = parse(connect("N").destination("not-an-ip"), 24);
        try (var metrics = new HarnessMetrics();
                var h = harness(metrics)) {
            for (ParsedRecord r : List.of(notJson, duplicate, wrongType, notAnIp)) {
                process(h, r);
            }

            assertThat(h.getOutput()).isEmpty();
            List<StreamRecord<DeadLetter>> letters = side(h, DEAD_LETTERS);
            assertThat(letters)
                    .containsExactly(
                            new StreamRecord<>(notJson.deadLetter(), ParsedRecord.NO_TIMESTAMP),
                            new StreamRecord<>(duplicate.deadLetter(), ParsedRecord.NO_TIMESTAMP),
                            new StreamRecord<>(wrongType.deadLetter(), ParsedRecord.NO_TIMESTAMP),
                            new StreamRecord<>(notAnIp.deadLetter(), t(0)));
            assertThat(letters)
                    .extracting(
                            r -> r.getValue().reason(),
                            r -> new String(r.getValue().payload(), StandardCharsets.UTF_8),
                            r -> r.getValue().offset())
                    .containsExactly(
                            tuple(DeadLetterReason.NOT_JSON, "not json", 21L),
                            tuple(
                                    DeadLetterReason.DUPLICATE_KEY,
                                    "{\"@timestamp\":\"2026-01-05T10:00:00Z\",\"a\":1,\"a\":2}",
                                    22L),
                            tuple(
                                    DeadLetterReason.WRONG_TYPE,
                                    exec("E").set("event.action", 5).toString(),
                                    23L),
                            tuple(
                                    DeadLetterReason.INVALID_DESTINATION,
                                    connect("N").destination("not-an-ip").toString(),
                                    24L));

            assertThat(metrics.count("events_in")).isEqualTo(4);
            assertThat(metrics.count("events_parsed")).as("a bad destination parsed").isEqualTo(1);
            assertThat(metrics.count("reason.not_json.events_malformed")).isEqualTo(1);
            assertThat(metrics.count("reason.duplicate_key.events_malformed")).isEqualTo(1);
            assertThat(metrics.count("reason.wrong_type.events_malformed")).isEqualTo(1);
            assertThat(metrics.count("reason.invalid_timestamp.events_malformed")).isZero();
            assertThat(metrics.count("events_invalid_destination")).isEqualTo(1);
            assertThat(metrics.count("events_relevant")).isZero();
            assertThat(metrics.count("dead_lettered")).isEqualTo(4);
            assertThat(metrics.total("events_malformed")).isEqualTo(3);
            assertThat(metrics.total("dead_lettered")).isEqualTo(4);
        }
    }

    /** Valid events the rule cannot use are dropped, each counted under why. */
    @Test
    void irrelevantAndUnjoinableEventsAreDroppedAndCounted() throws Exception {
        ParsedRecord windows = parse(unrelated("W"), 31);
        ParsedRecord noHost = parse(exec("E1").remove("host.id"), 32);
        ParsedRecord twoShells =
                parse(exec("E2").setJson("process.entity_id", "[\"X\",\"Y\"]"), 33);
        ParsedRecord alsoIrrelevant =
                parse(connect("N").set("event.action", "connection_accepted"), 34);
        assertThat(
                        List.of(
                                windows.outcome(),
                                noHost.outcome(),
                                twoShells.outcome(),
                                alsoIrrelevant.outcome()))
                .containsExactly(
                        Outcome.IRRELEVANT,
                        Outcome.MISSING_JOIN_KEY,
                        Outcome.MULTI_VALUED_JOIN_KEY,
                        Outcome.IRRELEVANT);
        try (var metrics = new HarnessMetrics();
                var h = harness(metrics)) {
            for (ParsedRecord r : List.of(windows, noHost, twoShells, alsoIrrelevant)) {
                process(h, r);
            }

            assertThat(h.getOutput()).isEmpty();
            assertThat(side(h, DEAD_LETTERS)).isEmpty();
            assertThat(metrics.counters())
                    .contains(
                            entry("events_in", 4L),
                            entry("events_parsed", 4L),
                            entry("events_irrelevant", 2L),
                            entry("events_missing_join_key", 1L),
                            entry("events_multi_valued_join_key", 1L),
                            entry("events_relevant", 0L),
                            entry("dead_lettered", 0L));
            assertThat(metrics.total("events_irrelevant")).isEqualTo(2);
        }
    }

    /** Dashboards see every parse failure reason at zero before the first one happens. */
    @Test
    void everyCounterIsRegisteredAtZeroOnOpen() throws Exception {
        try (var metrics = new HarnessMetrics();
                var h = harness(metrics)) {
            assertThat(metrics.counters())
                    .containsOnlyKeys(
                            "events_in",
                            "events_parsed",
                            "events_irrelevant",
                            "events_skipped",
                            "events_relevant",
                            "events_missing_join_key",
                            "events_multi_valued_join_key",
                            "events_invalid_destination",
                            "dead_lettered",
                            "reason.not_json.events_malformed",
                            "reason.not_an_object.events_malformed",
                            "reason.duplicate_key.events_malformed",
                            "reason.invalid_timestamp.events_malformed",
                            "reason.wrong_type.events_malformed",
                            "reason.record_too_large.events_malformed",
                            "reason.nesting_too_deep.events_malformed",
                            "reason.name_too_long.events_malformed",
                            "reason.number_too_long.events_malformed",
                            "reason.string_too_long.events_malformed")
                    .allSatisfy((name, count) -> assertThat(count).as(name).isZero());
            assertThat(h.getOutput()).isEmpty();
        }
    }
}
