package io.sshdnetcon.parse;

import static io.sshdnetcon.testing.SpecEvents.connect;
import static io.sshdnetcon.testing.SpecEvents.exec;
import static io.sshdnetcon.testing.SpecEvents.unrelated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.DeadLetterReason;
import io.sshdnetcon.event.Outcome;
import io.sshdnetcon.event.ParsedRecord;
import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.job.EventTimeWatermarks;
import io.sshdnetcon.testing.HarnessMetrics;
import io.sshdnetcon.testing.SpecEvents;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/**
 * The operator right after the source: what it forwards, what it dead-letters, what it drops and
 * counts, and which candidates it calls late, against the watermark it has seen.
 */
class RouteParsedRecordsTest {

    private static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));
    private static final OutputTag<DeadLetter> LATE =
            new OutputTag<>("late-events", TypeInformation.of(DeadLetter.class));

    private static final String TOPIC = "events";
    private static final int PARTITION = 3;

    private final EcsEventParser parser = new EcsEventParser();

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

    private static OneInputStreamOperatorTestHarness<ParsedRecord, RuleEvent> harness(
            HarnessMetrics metrics) throws Exception {
        var h =
                new OneInputStreamOperatorTestHarness<ParsedRecord, RuleEvent>(
                        new ProcessOperator<>(new RouteParsedRecords(DEAD_LETTERS, LATE)),
                        metrics.environment());
        h.setup();
        h.open();
        return h;
    }

    /** The record as the source emits it, stamped with its event time (none if malformed). */
    private static void process(
            OneInputStreamOperatorTestHarness<ParsedRecord, RuleEvent> h, ParsedRecord record)
            throws Exception {
        h.processElement(record, record.timestamp());
    }

    private static List<StreamRecord<DeadLetter>> side(
            OneInputStreamOperatorTestHarness<ParsedRecord, RuleEvent> h,
            OutputTag<DeadLetter> tag) {
        Queue<StreamRecord<DeadLetter>> side = h.getSideOutput(tag);
        return side == null ? List.of() : List.copyOf(side);
    }

    @Test
    void candidatesPassWithTheirTimestampsAndWatermarksBetweenThem() throws Exception {
        ParsedRecord e = parse(exec("E"), 1);
        ParsedRecord n = parse(connect("N").at(500), 2);
        ParsedRecord n2 = parse(connect("N2").at(401), 3);
        assertThat(List.of(e.outcome(), n.outcome(), n2.outcome())).containsOnly(Outcome.CANDIDATE);
        try (var metrics = new HarnessMetrics();
                var h = harness(metrics)) {
            process(h, e);
            h.processWatermark(t(100));
            process(h, n);
            h.processWatermark(t(400));
            process(h, n2);

            assertThat(h.getOutput())
                    .containsExactly(
                            new StreamRecord<>(e.event(), t(0)),
                            new Watermark(t(100)),
                            new StreamRecord<>(n.event(), t(500)),
                            new Watermark(t(400)),
                            new StreamRecord<>(n2.event(), t(401)));
            assertThat(h.extractOutputValues())
                    .extracting(RuleEvent::eventId)
                    .containsExactly("E", "N", "N2");
            assertThat(side(h, DEAD_LETTERS)).isEmpty();
            assertThat(side(h, LATE)).isEmpty();
            assertThat(metrics.count("events_in")).isEqualTo(3);
            assertThat(metrics.count("events_parsed")).isEqualTo(3);
            assertThat(metrics.count("events_relevant")).isEqualTo(3);
            assertThat(metrics.count("events_late")).isZero();
            assertThat(metrics.total("events_relevant")).isEqualTo(3);
        }
    }

    /**
     * Late means at or before the watermark this task has seen: 1 ms after it is on time. A late
     * candidate goes to the late output with its bytes and where it came from; it still counts as
     * relevant, and it is not one of the dead letters.
     */
    @Test
    void aCandidateAtOrBeforeTheWatermarkIsLateAndOneMillisecondAfterIsNot() throws Exception {
        ParsedRecord before = parse(connect("N999").at(999), 11);
        ParsedRecord at = parse(connect("N1000").at(1000), 12);
        ParsedRecord after = parse(connect("N1001").at(1001), 13);
        try (var metrics = new HarnessMetrics();
                var h = harness(metrics)) {
            h.processWatermark(t(1000));
            long sent = System.currentTimeMillis();
            process(h, before);
            process(h, at);
            process(h, after);
            long done = System.currentTimeMillis();

            assertThat(h.getOutput())
                    .containsExactly(
                            new Watermark(t(1000)), new StreamRecord<>(after.event(), t(1001)));

            List<StreamRecord<DeadLetter>> late = side(h, LATE);
            assertThat(late)
                    .extracting(StreamRecord::getTimestamp)
                    .containsExactly(t(999), t(1000));
            DeadLetter first = late.get(0).getValue();
            DeadLetter second = late.get(1).getValue();
            assertThat(first.timestamp()).isBetween(sent, done);
            assertThat(second.timestamp()).isBetween(sent, done);
            assertThat(first)
                    .isEqualTo(
                            new DeadLetter(
                                    DeadLetterReason.LATE_EVENT,
                                    "event time 2026-01-05T10:00:00.999Z is at or before the"
                                            + " watermark 2026-01-05T10:00:01Z",
                                    connect("N999").at(999).bytes(),
                                    TOPIC,
                                    PARTITION,
                                    11,
                                    first.timestamp()));
            assertThat(second)
                    .isEqualTo(
                            new DeadLetter(
                                    DeadLetterReason.LATE_EVENT,
                                    "event time 2026-01-05T10:00:01Z is at or before the"
                                            + " watermark 2026-01-05T10:00:01Z",
                                    connect("N1000").at(1000).bytes(),
                                    TOPIC,
                                    PARTITION,
                                    12,
                                    second.timestamp()));
            assertThat(side(h, DEAD_LETTERS)).isEmpty();

            assertThat(metrics.count("events_in")).isEqualTo(3);
            assertThat(metrics.count("events_relevant")).isEqualTo(3);
            assertThat(metrics.count("events_late")).isEqualTo(2);
            assertThat(metrics.count("dead_lettered")).isZero();
            assertThat(metrics.total("events_late")).isEqualTo(2);
        }
    }

    /** The decision follows the watermark as it moves: the same time is on time, then late. */
    @Test
    void eachCandidateIsJudgedByTheLatestWatermark() throws Exception {
        try (var metrics = new HarnessMetrics();
                var h = harness(metrics)) {
            process(h, parse(connect("A").at(300), 1));
            h.processWatermark(t(299));
            process(h, parse(connect("B").at(300), 2));
            h.processWatermark(t(300));
            process(h, parse(connect("C").at(300), 3));
            process(h, parse(connect("D").at(301), 4));
            h.processWatermark(t(5_000));
            process(h, parse(connect("E").at(301), 5));
            process(h, parse(connect("F").at(5_001), 6));

            assertThat(h.extractOutputValues())
                    .extracting(RuleEvent::eventId)
                    .containsExactly("A", "B", "D", "F");
            assertThat(side(h, LATE))
                    .extracting(r -> r.getValue().offset(), StreamRecord::getTimestamp)
                    .containsExactly(tuple(3L, t(300)), tuple(5L, t(301)));
            assertThat(h.getCurrentWatermark()).isEqualTo(t(5_000));
            assertThat(metrics.count("events_late")).isEqualTo(2);
        }
    }

    /**
     * With the replay's watermarks (bound B, one after every event that advances time), a candidate
     * B-1 or B ms behind the newest earlier event is on time, and B+1 ms behind is late. An
     * irrelevant event moves time too.
     */
    @Test
    void behindTheNewestEventByMoreThanTheBoundIsLate() throws Exception {
        long bound = 2_000;
        WatermarkGenerator<ParsedRecord> generator =
                EventTimeWatermarks.perEvent(Duration.ofMillis(bound))
                        .createWatermarkGenerator(null);
        ParsedRecord newest = parse(unrelated("U").at(10_000), 1);
        ParsedRecord withinBound = parse(connect("B-1").at(10_000 - (bound - 1)), 2);
        ParsedRecord atBound = parse(connect("B").at(10_000 - bound), 3);
        ParsedRecord beyondBound = parse(connect("B+1").at(10_000 - (bound + 1)), 4);
        assertThat(newest.outcome()).isEqualTo(Outcome.IRRELEVANT);
        try (var metrics = new HarnessMetrics();
                var h = harness(metrics)) {
            for (ParsedRecord r : List.of(newest, withinBound, atBound, beyondBound)) {
                emit(h, generator, r);
            }

            assertThat(h.getOutput())
                    .containsExactly(
                            new Watermark(t(10_000 - bound - 1)),
                            new StreamRecord<>(withinBound.event(), t(10_000 - bound + 1)),
                            new StreamRecord<>(atBound.event(), t(10_000 - bound)));
            assertThat(side(h, LATE))
                    .extracting(r -> r.getValue().reason(), r -> r.getValue().offset())
                    .containsExactly(tuple(DeadLetterReason.LATE_EVENT, 4L));
            assertThat(metrics.count("events_irrelevant")).isEqualTo(1);
            assertThat(metrics.count("events_relevant")).isEqualTo(3);
            assertThat(metrics.count("events_late")).isEqualTo(1);
        }
    }

    /** As the source emits a record: the record, then any watermark its generator makes of it. */
    private static void emit(
            OneInputStreamOperatorTestHarness<ParsedRecord, RuleEvent> h,
            WatermarkGenerator<ParsedRecord> generator,
            ParsedRecord record)
            throws Exception {
        process(h, record);
        List<Long> watermarks = new ArrayList<>();
        generator.onEvent(
                record,
                record.timestamp(),
                new WatermarkOutput() {
                    @Override
                    public void emitWatermark(
                            org.apache.flink.api.common.eventtime.Watermark watermark) {
                        watermarks.add(watermark.getTimestamp());
                    }

                    @Override
                    public void markIdle() {}

                    @Override
                    public void markActive() {}
                });
        for (long watermark : watermarks) {
            h.processWatermark(watermark);
        }
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
            assertThat(side(h, LATE)).isEmpty();
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
            assertThat(side(h, LATE)).isEmpty();
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
                            "events_relevant",
                            "events_missing_join_key",
                            "events_multi_valued_join_key",
                            "events_invalid_destination",
                            "events_late",
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
