package io.sshdnetcon.detect;

import static io.sshdnetcon.testing.SpecEvents.connect;
import static io.sshdnetcon.testing.SpecEvents.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.DeadLetterReason;
import io.sshdnetcon.event.HostEvent;
import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.event.Stage;
import io.sshdnetcon.metrics.MetricNames;
import io.sshdnetcon.parse.EcsEventParser;
import io.sshdnetcon.testing.HarnessMetrics;
import io.sshdnetcon.testing.SpecEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.InstantiationUtil;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The per-host ordering on its own: which candidates it judges late (only against their own host's
 * newest time), what it releases and in which order, the expiry markers, and what makes a host's
 * held events leave (its time, the end of the input, its silence) or its state go.
 *
 * <p>Times in events and in the expected releases are milliseconds after {@link
 * SpecEvents#BEGINNING}; processing time is the harness's own clock.
 */
class OrderHostEventsTest {

    private static final long T0 = SpecEvents.BEGINNING.toEpochMilli();
    private static final long B = 10_000;
    private static final Duration BOUND = Duration.ofMillis(B);
    private static final long SPAN = ExecThenConnectPattern.MAX_SPAN.toMillis();
    private static final Duration IDLENESS = Duration.ofSeconds(30);
    private static final Duration RETENTION = Duration.ofMinutes(10);
    private static final OutputTag<DeadLetter> LATE =
            new OutputTag<>("late-events", TypeInformation.of(DeadLetter.class));

    private static final String TOPIC = "events";
    private static final int PARTITION = 2;

    private final EcsEventParser parser = new EcsEventParser();
    private final HarnessMetrics metrics = new HarnessMetrics();
    private KeyedOneInputStreamOperatorTestHarness<String, HostEvent, RuleEvent> harness;
    private long offset;
    private List<RuleEvent> releasedBeforeRestart = List.of();

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
        metrics.close();
    }

    /** Opens the operator with the given idleness (null: never) at processing time 0. */
    private void open(Duration idleness) throws Exception {
        harness = create(idleness);
        harness.setProcessingTime(0);
        harness.open();
    }

    /**
     * Stops the operator with a snapshot and restores it at processing time {@code at}, as a job
     * restored from a savepoint or checkpoint after being stopped; timers that fell due meanwhile
     * fire at once, as on a cluster.
     */
    private void restartAt(long at) throws Exception {
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        List<RuleEvent> before = harness.extractOutputValues();
        harness.close();
        harness = create(IDLENESS);
        harness.setProcessingTime(at);
        harness.initializeState(snapshot);
        harness.open();
        harness.setProcessingTime(at);
        releasedBeforeRestart = before;
    }

    private KeyedOneInputStreamOperatorTestHarness<String, HostEvent, RuleEvent> create(
            Duration idleness) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                // Serialized and back, as a cluster ships it: transient fields start at their
                // defaults there.
                new KeyedProcessOperator<>(
                        InstantiationUtil.clone(
                                new OrderHostEvents(
                                        LATE,
                                        BOUND,
                                        ExecThenConnectPattern.MAX_SPAN,
                                        idleness,
                                        RETENTION))),
                HostEvent::hostId,
                Types.STRING,
                metrics.environment());
    }

    private static long t(long ms) {
        return T0 + ms;
    }

    private RuleEvent parse(SpecEvents.Builder event) {
        RuleEvent e = parser.parse(event.bytes(), TOPIC, PARTITION, 1).event();
        assertThat(e).as("candidate %s", event).isNotNull();
        return e;
    }

    /** A candidate as the route forwards it, its host's clock before it given (ms or none). */
    private void candidate(SpecEvents.Builder event, long hostClockBefore) throws Exception {
        RuleEvent e = parse(event);
        harness.processElement(
                new HostEvent(
                        e.hostId(), hostClockBefore, e.timestamp(), e, TOPIC, PARTITION, ++offset),
                0);
    }

    private void candidate(SpecEvents.Builder event) throws Exception {
        candidate(event, HostEvent.NO_CLOCK);
    }

    /** An event the rule does not use, moving {@code host}'s time to {@code ms}. */
    private void tick(String host, long ms) throws Exception {
        harness.processElement(HostEvent.clock(host, HostEvent.NO_CLOCK, t(ms)), 0);
    }

    private void endOfInput() throws Exception {
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
    }

    /** Everything released so far, as "STAGE event.id @ms" (an expiry names its exec). */
    private List<String> released() {
        return Stream.concat(releasedBeforeRestart.stream(), harness.extractOutputValues().stream())
                .map(OrderHostEventsTest::describe)
                .toList();
    }

    private List<String> released(String host) {
        return harness.extractOutputValues().stream()
                .filter(e -> e.hostId().equals(host))
                .map(OrderHostEventsTest::describe)
                .toList();
    }

    private static String describe(RuleEvent e) {
        return e.stage() + " " + e.eventId() + " @" + (e.timestamp() - T0);
    }

    private List<DeadLetter> late() {
        Queue<StreamRecord<DeadLetter>> side = harness.getSideOutput(LATE);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    private List<String> lateIds() {
        return late().stream()
                .map(d -> parser.parse(d.payload(), TOPIC, -1, 0))
                .map(r -> r.event().eventId())
                .toList();
    }

    // ---------------------------------------------------------------- lateness at its edges

    /**
     * With the host's newest time at {@code B + 100}, a candidate at 101 (B - 1 behind) and at 100
     * (exactly B behind) is on time, one at 99 (B + 1 behind) is late, whichever way that newest
     * time reached the ordering.
     */
    @ParameterizedTest(name = "newest from {0}, {1} ms behind: late={2}")
    @CsvSource({
        "CANDIDATE, 9999, false",
        "CANDIDATE, 10000, false",
        "CANDIDATE, 10001, true",
        "TICK, 9999, false",
        "TICK, 10000, false",
        "TICK, 10001, true",
        "CLOCK_BEFORE, 9999, false",
        "CLOCK_BEFORE, 10000, false",
        "CLOCK_BEFORE, 10001, true",
    })
    void lateOnlyWhenMoreThanTheBoundBehindItsHostsNewestTime(
            String newestFrom, long behind, boolean expectLate) throws Exception {
        assertThat(B).isEqualTo(10_000);
        open(null);
        long newest = B + 100;
        long clockBefore = HostEvent.NO_CLOCK;
        switch (newestFrom) {
            case "CANDIDATE" -> candidate(exec("NEWEST").entity("Y").at(newest));
            case "TICK" -> tick("h1", newest);
            case "CLOCK_BEFORE" -> clockBefore = t(newest);
            default -> throw new IllegalArgumentException(newestFrom);
        }
        candidate(connect("PROBE").at(newest - behind), clockBefore);

        if (expectLate) {
            assertThat(lateIds()).containsExactly("PROBE");
            assertThat(metrics.count("events_late")).isEqualTo(1);
            assertThat(late().get(0).detail())
                    .contains("host h1's newest event time " + Instant.ofEpochMilli(t(newest)));
        } else {
            assertThat(late()).isEmpty();
            assertThat(metrics.count("events_late")).isZero();
        }
        endOfInput();
        assertThat(released().contains("CONNECT PROBE @" + (newest - behind)))
                .as("released %s", released())
                .isEqualTo(!expectLate);
    }

    /** The newest time is the host's own: raised by a candidate's clock before, never lowered. */
    @Test
    void theNewestTimeIsTheMaximumOfEverythingItsHostSent() throws Exception {
        open(null);
        tick("h1", 5 * B);
        candidate(exec("E").at(B), t(3 * B)); // its clock before is older than the stored time
        tick("h1", 2 * B); // an older tick does not lower it
        candidate(connect("N").at(4 * B - 1));
        candidate(connect("N2").at(4 * B));

        assertThat(lateIds()).containsExactly("E", "N");
        assertThat(late().get(1).detail())
                .contains("newest event time " + Instant.ofEpochMilli(t(5 * B)));
    }

    @Test
    void anotherHostsFarNewerTimeNeitherMakesLateNorReleases() throws Exception {
        open(null);
        candidate(exec("FUTURE").host("h2").at(1_000 * B));
        tick("h3", 10_000 * B);
        candidate(exec("E").at(0), t(0));
        candidate(connect("N").at(500));

        assertThat(late()).isEmpty();
        assertThat(released("h1")).as("held by h1's own time only").isEmpty();

        tick("h1", 500 + B + 1);
        assertThat(released("h1")).containsExactly("EXEC E @0", "CONNECT N @500");
    }

    // ---------------------------------------------------------------- the late dead letter

    @Test
    void aLateCandidateIsDeadLetteredWithItsBytesProvenanceAndItsHostsNewestTime()
            throws Exception {
        open(null);
        candidate(exec("NEWEST").at(3 * B));
        SpecEvents.Builder old = connect("OLD").at(B);
        byte[] bytes = old.bytes();
        RuleEvent e = parse(old);
        long before = System.currentTimeMillis();
        harness.processElement(
                new HostEvent("h1", HostEvent.NO_CLOCK, e.timestamp(), e, "edr-events", 7, 4242L),
                0);
        long after = System.currentTimeMillis();

        assertThat(late()).hasSize(1);
        DeadLetter d = late().get(0);
        assertThat(d.reason()).isEqualTo(DeadLetterReason.LATE_EVENT);
        assertThat(d.detail())
                .isEqualTo(
                        "event time "
                                + Instant.ofEpochMilli(t(B))
                                + " is more than "
                                + B
                                + " ms behind host h1's newest event time "
                                + Instant.ofEpochMilli(t(3 * B)));
        assertThat(d.payload()).isEqualTo(bytes);
        assertThat(d.source()).isEqualTo("edr-events");
        assertThat(d.partition()).isEqualTo(7);
        assertThat(d.offset()).isEqualTo(4242L);
        assertThat(d.timestamp()).isBetween(before, after);
        assertThat(metrics.count("events_late")).isEqualTo(1);
        assertThat(metrics.total("events_late")).isEqualTo(1);

        endOfInput();
        assertThat(released()).containsExactly("EXEC NEWEST @30000", "EXPIRE NEWEST @31000");
    }

    @Test
    void clockTicksAreNeverLateAndNeverReleased() throws Exception {
        open(null);
        tick("h1", 10 * B);
        tick("h1", 0);
        endOfInput();
        assertThat(late()).isEmpty();
        assertThat(released()).isEmpty();
        assertThat(metrics.count("events_late")).isZero();
    }

    // ---------------------------------------------------------------- release order

    /**
     * Only what is at or before (newest - B - 1) leaves. Same-millisecond events leave exec first,
     * then connect, then expiry; within a stage in arrival order. An exec's expiry marker follows
     * it at exec + maxspan, once the frontier has passed that.
     */
    @Test
    void releasesInTimeThenStageThenArrivalOrderUpToTheFrontier() throws Exception {
        open(null);
        candidate(connect("Na").at(500));
        candidate(exec("Eb").entity("Xb").at(500));
        candidate(connect("Ne").at(1500));
        candidate(connect("Nc").at(500));
        candidate(exec("Ed").entity("Xd").at(500));
        candidate(exec("E0").entity("X0").at(0));

        tick("h1", 500 + B);
        assertThat(released()).as("frontier 499").containsExactly("EXEC E0 @0");

        tick("h1", 500 + B + 1);
        assertThat(released())
                .as("frontier 500")
                .containsExactly(
                        "EXEC E0 @0",
                        "EXEC Eb @500",
                        "EXEC Ed @500",
                        "CONNECT Na @500",
                        "CONNECT Nc @500");

        tick("h1", 1000 + B);
        assertThat(released()).as("frontier 999").hasSize(5);

        tick("h1", 1000 + B + 1);
        assertThat(released()).as("frontier 1000").hasSize(6).endsWith("EXPIRE E0 @1000");

        tick("h1", 1500 + B);
        assertThat(released()).as("frontier 1499").hasSize(6);

        tick("h1", 1500 + B + 1);
        assertThat(released())
                .as("frontier 1500")
                .containsExactly(
                        "EXEC E0 @0",
                        "EXEC Eb @500",
                        "EXEC Ed @500",
                        "CONNECT Na @500",
                        "CONNECT Nc @500",
                        "EXPIRE E0 @1000",
                        "CONNECT Ne @1500",
                        "EXPIRE Eb @1500",
                        "EXPIRE Ed @1500");

        tick("h1", 100 * B);
        assertThat(released()).as("each once").hasSize(9);
        assertThat(harness.numKeyedStateEntries()).as("only the newest time").isEqualTo(1);
    }

    @Test
    void anExpiryMarkerCarriesItsExecsHostJoinAndEventIdAndNothingElse() throws Exception {
        open(null);
        candidate(exec("E").host("h9").entity("Xq").at(200));
        tick("h9", 200 + SPAN + B + 1);

        List<RuleEvent> out = harness.extractOutputValues();
        assertThat(out).hasSize(2);
        RuleEvent marker = out.get(1);
        assertThat(marker.stage()).isEqualTo(Stage.EXPIRE);
        assertThat(marker.hostId()).isEqualTo("h9");
        assertThat(marker.joinId()).isEqualTo("Xq");
        assertThat(marker.eventId()).isEqualTo("E");
        assertThat(marker.timestamp()).isEqualTo(t(200) + SPAN);
        assertThat(marker.sequenceKey()).isEqualTo(out.get(0).sequenceKey());
        assertThat(marker.destination()).isEmpty();
        assertThat(marker.raw()).isEmpty();
    }

    /**
     * The inclusive span at the level of order: a connection exactly maxspan after an exec leaves
     * before that exec's expiry, and an exec at the same time before both.
     */
    @Test
    void aConnectionAtTheSpanLeavesBeforeTheExpiryAndAnExecBeforeBoth() throws Exception {
        open(null);
        candidate(connect("N").at(1000));
        candidate(exec("E2").entity("X2").at(1000));
        candidate(exec("E1").at(0));
        tick("h1", 1000 + B + 1);
        assertThat(released())
                .containsExactly(
                        "EXEC E1 @0", "EXEC E2 @1000", "CONNECT N @1000", "EXPIRE E1 @1000");
    }

    /** Arrival order among equals holds across partial releases, not only within one. */
    @Test
    void arrivalOrderAmongEqualsSurvivesAPartialRelease() throws Exception {
        open(null);
        candidate(connect("A").at(600));
        candidate(exec("E").at(0));
        tick("h1", 500 + B + 1); // releases E, keeps A
        candidate(connect("B").at(600));
        candidate(connect("C").at(600));
        tick("h1", 600 + B + 1);
        assertThat(released())
                .containsExactly("EXEC E @0", "CONNECT A @600", "CONNECT B @600", "CONNECT C @600");
    }

    // ---------------------------------------------------------------- end of a bounded input

    @Test
    void theEndOfABoundedInputReleasesEverythingInOrder() throws Exception {
        open(null);
        candidate(connect("N2").at(2500));
        candidate(exec("E2").entity("X2").at(2000));
        candidate(connect("N1").at(300));
        candidate(exec("E1").at(0));
        candidate(connect("M").host("h2").at(5));
        candidate(exec("F").host("h2").entity("Z").at(5));
        assertThat(released()).isEmpty();
        assertThat(harness.numEventTimeTimers()).as("one per host").isEqualTo(2);

        endOfInput();
        assertThat(released("h1"))
                .containsExactly(
                        "EXEC E1 @0",
                        "CONNECT N1 @300",
                        "EXPIRE E1 @1000",
                        "EXEC E2 @2000",
                        "CONNECT N2 @2500",
                        "EXPIRE E2 @3000");
        assertThat(released("h2")).containsExactly("EXEC F @5", "CONNECT M @5", "EXPIRE F @1005");
        assertThat(late()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).as("the hosts' newest times").isEqualTo(2);
    }

    // ---------------------------------------------------------------- idle flush

    @Test
    void aSilentHostsEventsAreReleasedAfterTheIdleness() throws Exception {
        open(IDLENESS);
        candidate(exec("E").at(0));
        candidate(connect("N").at(300));

        harness.setProcessingTime(IDLENESS.toMillis() - 1);
        assertThat(released()).isEmpty();

        harness.setProcessingTime(IDLENESS.toMillis());
        // The expiry stays held: a connection of E within its span may still arrive.
        assertThat(released()).containsExactly("EXEC E @0", "CONNECT N @300");
        assertThat(late()).isEmpty();
    }

    @Test
    void inputFromTheHostPostponesTheIdleFlush() throws Exception {
        open(IDLENESS);
        long idle = IDLENESS.toMillis();
        candidate(exec("E").at(0));

        harness.setProcessingTime(20_000);
        tick("h1", 200); // moves the host's time, releases nothing
        harness.setProcessingTime(idle);
        assertThat(released()).isEmpty();

        harness.setProcessingTime(20_000 + idle - 1);
        assertThat(released()).isEmpty();

        harness.setProcessingTime(20_000 + idle);
        assertThat(released()).containsExactly("EXEC E @0");
    }

    @Test
    void anotherHostsInputDoesNotPostponeTheIdleFlush() throws Exception {
        open(IDLENESS);
        candidate(exec("E").at(0));
        harness.setProcessingTime(20_000);
        candidate(exec("F").host("h2").at(0));

        harness.setProcessingTime(IDLENESS.toMillis());
        assertThat(released()).containsExactly("EXEC E @0");

        harness.setProcessingTime(20_000 + IDLENESS.toMillis());
        assertThat(released("h2")).containsExactly("EXEC F @0");
    }

    /**
     * After a host's first flush its timer waits for the retention; a candidate that arrives then
     * must still leave after the idleness, not when the retention is due.
     */
    @Test
    void aCandidateAfterAnEarlierFlushIsStillFlushedAfterTheIdleness() throws Exception {
        open(IDLENESS);
        long idle = IDLENESS.toMillis();
        candidate(exec("E1").at(0));
        harness.setProcessingTime(idle);
        assertThat(released()).containsExactly("EXEC E1 @0");

        harness.setProcessingTime(idle + 10_000);
        candidate(exec("E2").entity("X2").at(5_000));
        candidate(connect("N2").parentEntity("X2").at(5_300));
        assertThat(harness.numProcessingTimeTimers()).as("one timer per host").isEqualTo(1);

        harness.setProcessingTime(idle + 10_000 + idle - 1);
        assertThat(released()).hasSize(1);

        // E1's expiry was held by the first flush; it leaves in order before E2.
        harness.setProcessingTime(idle + 10_000 + idle);
        assertThat(released())
                .containsExactly(
                        "EXEC E1 @0", "EXPIRE E1 @1000", "EXEC E2 @5000", "CONNECT N2 @5300");
    }

    /** The same when the host's own time released everything before its idle timer fired. */
    @Test
    void aBusyHostThatFallsSilentIsFlushedAfterTheIdleness() throws Exception {
        open(IDLENESS);
        long idle = IDLENESS.toMillis();
        candidate(exec("E1").at(0));
        tick("h1", SPAN + B + 1); // its own time releases E1 and its expiry
        assertThat(released()).hasSize(2);
        harness.setProcessingTime(idle); // nothing held: the timer now waits for the retention

        harness.setProcessingTime(idle + 1);
        candidate(exec("E2").entity("X2").at(SPAN + B + 2));
        harness.setProcessingTime(idle + 1 + idle);
        assertThat(released()).containsExactly("EXEC E1 @0", "EXPIRE E1 @1000", "EXEC E2 @11002");
    }

    @Test
    void withoutIdlenessOnlyTheHostsTimeOrTheEndOfInputReleases() throws Exception {
        open(null);
        candidate(exec("E").at(0));
        assertThat(harness.numProcessingTimeTimers()).isZero();

        harness.setProcessingTime(Duration.ofDays(1).toMillis());
        assertThat(released()).isEmpty();

        endOfInput();
        assertThat(released()).containsExactly("EXEC E @0", "EXPIRE E @1000");
    }

    // ---------------------------------------------------------------- retention

    /**
     * A host silent for the retention is forgotten, so its next event is judged afresh; one that
     * sent anything in between still has its newest time, so the same event is late for it.
     */
    @Test
    void aHostSilentForTheRetentionIsForgottenAndItsOldEventsAreNoLongerLate() throws Exception {
        open(IDLENESS);
        long retention = RETENTION.toMillis();
        candidate(exec("A-NEW").host("a").at(100 * B));
        candidate(exec("B-NEW").host("b").at(100 * B));
        harness.setProcessingTime(IDLENESS.toMillis());
        assertThat(released()).hasSize(2);

        harness.setProcessingTime(retention - 1);
        tick("a", 0); // input, though no news: it keeps host a
        harness.setProcessingTime(retention);

        candidate(connect("A-OLD").host("a").at(0));
        candidate(connect("B-OLD").host("b").at(0));
        assertThat(lateIds()).containsExactly("A-OLD");
        assertThat(late().get(0).detail())
                .contains("host a's newest event time " + Instant.ofEpochMilli(t(100 * B)));

        harness.setProcessingTime(retention + IDLENESS.toMillis());
        assertThat(released("b")).endsWith("CONNECT B-OLD @0");
    }

    // ---------------------------------------------------------------- restore

    /**
     * Stopped for longer than the retention, the job must not forget a host on restore: the expiry
     * marker a flush held stays, so the connection read from the backlog still matches its exec.
     */
    @Test
    void aRestoreAfterLongerThanTheRetentionForgetsNoHost() throws Exception {
        open(IDLENESS);
        candidate(exec("E").at(0));
        harness.setProcessingTime(IDLENESS.toMillis());
        assertThat(released()).containsExactly("EXEC E @0");

        long restart = IDLENESS.toMillis() + 2 * RETENTION.toMillis();
        restartAt(restart);
        assertThat(released()).as("nothing forgotten at the restore").containsExactly("EXEC E @0");

        candidate(connect("N").at(500));
        tick("h1", SPAN + B + 1);
        assertThat(released()).containsExactly("EXEC E @0", "CONNECT N @500", "EXPIRE E @1000");
        assertThat(late()).isEmpty();
    }

    /**
     * Candidates held at the stop wait the idleness after the restore, not a moment: the backlog
     * the host sent meanwhile comes first, and an exec in it goes before the held connection.
     */
    @Test
    void aRestoreGivesTheBacklogTheIdlenessBeforeAFlush() throws Exception {
        open(IDLENESS);
        candidate(connect("N").at(300));
        harness.setProcessingTime(1_000);

        long restart = 10 * RETENTION.toMillis();
        restartAt(restart);
        assertThat(released()).as("no flush at the restore").isEmpty();

        harness.setProcessingTime(restart + 5_000);
        candidate(exec("E").at(0));
        harness.setProcessingTime(restart + 5_000 + IDLENESS.toMillis() - 1);
        assertThat(released()).isEmpty();

        harness.setProcessingTime(restart + 5_000 + IDLENESS.toMillis());
        assertThat(released()).containsExactly("EXEC E @0", "CONNECT N @300");
        assertThat(late()).isEmpty();
    }

    /** A host still silent for the retention after the restore is forgotten then. */
    @Test
    void aHostSilentForTheRetentionAfterARestoreIsForgotten() throws Exception {
        open(IDLENESS);
        candidate(exec("E").at(0));
        harness.setProcessingTime(IDLENESS.toMillis());

        long restart = 3 * RETENTION.toMillis();
        restartAt(restart);
        harness.setProcessingTime(restart + RETENTION.toMillis() - 1);
        assertThat(harness.numKeyedStateEntries()).isPositive();

        harness.setProcessingTime(restart + RETENTION.toMillis());
        assertThat(released()).containsExactly("EXEC E @0", "EXPIRE E @1000");
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void aForgottenHostLeavesNoStateAndNoTimers() throws Exception {
        open(IDLENESS);
        candidate(exec("E").at(0));
        candidate(connect("N").at(300));
        harness.setProcessingTime(IDLENESS.toMillis());
        assertThat(released()).hasSize(2);
        assertThat(harness.numKeyedStateEntries()).isPositive();

        harness.setProcessingTime(RETENTION.toMillis() - 1);
        assertThat(harness.numKeyedStateEntries()).isPositive();

        // The expiry the flush held leaves with the host's state.
        harness.setProcessingTime(RETENTION.toMillis());
        assertThat(released()).containsExactly("EXEC E @0", "CONNECT N @300", "EXPIRE E @1000");
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    /**
     * An idle flush judges an exec on what has arrived, but its span is not over: a connection of
     * it that arrives after the flush, within the bound of its host's newest time, still leaves
     * before the exec's expiry, so the pattern can match it.
     */
    @Test
    void aConnectionArrivingAfterTheFlushStillPrecedesItsExecsExpiry() throws Exception {
        open(IDLENESS);
        long idle = IDLENESS.toMillis();
        candidate(exec("E").at(0));
        harness.setProcessingTime(idle);
        assertThat(released()).containsExactly("EXEC E @0");

        harness.setProcessingTime(idle + 60_000);
        candidate(connect("N").at(SPAN));
        harness.setProcessingTime(idle + 60_000 + idle);
        assertThat(released()).containsExactly("EXEC E @0", "CONNECT N @1000");

        tick("h1", SPAN + B + 1);
        assertThat(released()).containsExactly("EXEC E @0", "CONNECT N @1000", "EXPIRE E @1000");
        assertThat(late()).isEmpty();
    }

    /**
     * What arrives after a flush and would have to go before a candidate it released can no longer
     * be put in order: it is late, dead-lettered with what the flush released, and counted; a
     * connection at the last released time still comes after an exec of that time.
     */
    @Test
    void aCandidateBehindWhatAFlushReleasedIsLateAndCounted() throws Exception {
        open(IDLENESS);
        long idle = IDLENESS.toMillis();
        candidate(exec("E").at(0));
        candidate(connect("N").at(300));
        harness.setProcessingTime(idle);
        assertThat(released()).containsExactly("EXEC E @0", "CONNECT N @300");

        candidate(connect("BEFORE").at(299)); // within the bound of the host's newest (300)
        candidate(exec("SAME-MS-EXEC").entity("X2").at(300)); // execs go before connections
        candidate(connect("SAME-MS-CONNECT").at(300));
        candidate(connect("AFTER").at(301));

        assertThat(lateIds()).containsExactly("BEFORE", "SAME-MS-EXEC");
        assertThat(late().get(0).detail())
                .contains(
                        "idle flush had released its candidates up to "
                                + Instant.ofEpochMilli(t(300)));
        assertThat(metrics.count(MetricNames.EVENTS_LATE)).isEqualTo(2);

        endOfInput();
        assertThat(released())
                .containsExactly(
                        "EXEC E @0",
                        "CONNECT N @300",
                        "CONNECT SAME-MS-CONNECT @300",
                        "CONNECT AFTER @301",
                        "EXPIRE E @1000");
    }

    // ---------------------------------------------------------------- independent hosts

    /**
     * Two hosts interleaved, h2's clock an hour ahead of h1's and stepping back by the bound and
     * more: each is judged and released on its own time only.
     */
    @Test
    void interleavedHostsAreJudgedAndReleasedOnTheirOwnTime() throws Exception {
        open(null);
        long hour = Duration.ofHours(1).toMillis();
        candidate(exec("h1-E").host("h1").at(0));
        candidate(exec("h2-E").host("h2").entity("Y").at(hour));
        candidate(connect("h1-N").host("h1").at(400));
        candidate(connect("h2-late").host("h2").parentEntity("Y").at(hour - B - 1));
        candidate(connect("h2-N").host("h2").parentEntity("Y").at(hour - B));
        candidate(connect("h1-N2").host("h1").at(401 - B)); // B - 1 behind h1's 400

        assertThat(lateIds()).containsExactly("h2-late");
        assertThat(released()).isEmpty();

        tick("h2", hour + SPAN + B + 1);
        assertThat(released("h1")).isEmpty();
        assertThat(released("h2"))
                .containsExactly(
                        "CONNECT h2-N @" + (hour - B),
                        "EXEC h2-E @" + hour,
                        "EXPIRE h2-E @" + (hour + SPAN));

        tick("h1", 400 + B + 1);
        assertThat(released("h1"))
                .containsExactly(
                        "CONNECT h1-N2 @" + (401 - B), "EXEC h1-E @0", "CONNECT h1-N @400");
    }
}
