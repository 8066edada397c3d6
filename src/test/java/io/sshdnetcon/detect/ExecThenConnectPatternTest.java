package io.sshdnetcon.detect;

import static io.sshdnetcon.testing.SpecEvents.connect;
import static io.sshdnetcon.testing.SpecEvents.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.HostEvent;
import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.parse.EcsEventParser;
import io.sshdnetcon.testing.SpecEvents;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pattern on Flink's real CEP operator, fed as the job feeds it: each host's events first go
 * through {@link OrderHostEvents} (host time order, expiry markers), then reach CEP stamped with a
 * release clock. Events are fed per the spec's examples; {@link #flush()} ends the input.
 */
class ExecThenConnectPatternTest {

    private static final long T0 = SpecEvents.BEGINNING.toEpochMilli();
    private static final Duration BOUND = Duration.ofHours(1);
    private static final OutputTag<RuleEvent> CEP_LATE =
            new OutputTag<>("late", TypeInformation.of(RuleEvent.class));
    private static final OutputTag<DeadLetter> LATE =
            new OutputTag<>("late-events", TypeInformation.of(DeadLetter.class));

    private KeyedOneInputStreamOperatorTestHarness<String, HostEvent, RuleEvent> order;
    private KeyedOneInputStreamOperatorTestHarness<String, RuleEvent, SequenceMatch> harness;
    private int forwarded;
    private long releaseClock = T0;

    @BeforeEach
    void open() throws Exception {
        order =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new OrderHostEvents(
                                        LATE,
                                        BOUND,
                                        ExecThenConnectPattern.MAX_SPAN,
                                        null,
                                        Duration.ofHours(2))),
                        HostEvent::hostId,
                        Types.STRING);
        order.open();
        Pattern<RuleEvent, RuleEvent> pattern = ExecThenConnectPattern.create();
        CepOperator<RuleEvent, String, SequenceMatch> operator =
                new CepOperator<>(
                        TypeInformation.of(RuleEvent.class)
                                .createSerializer(new SerializerConfigImpl()),
                        false,
                        NFACompiler.compileFactory(pattern, false),
                        null,
                        pattern.getAfterMatchSkipStrategy(),
                        new EmitSequenceMatch(),
                        CEP_LATE);
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        operator, RuleEvent::sequenceKey, Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
        order.close();
    }

    private void feed(SpecEvents.Builder... events) throws Exception {
        for (SpecEvents.Builder b : events) {
            RuleEvent e = new EcsEventParser().parse(b.bytes(), "t", -1, 1).event();
            order.processElement(
                    new HostEvent(e.hostId(), HostEvent.NO_CLOCK, e.timestamp(), e, "t", -1, 1), 0);
        }
        forward();
    }

    /** Moves host h1's clock to {@code T0 + ms}, as an event the rule does not use would. */
    private void hostClockAt(long ms) throws Exception {
        order.processElement(HostEvent.clock("h1", HostEvent.NO_CLOCK, T0 + ms), 0);
        forward();
    }

    /**
     * Hands what the ordering released to CEP, then lets CEP's watermark pass it: even timestamps,
     * odd watermarks, as the job's release clock makes them.
     */
    private void forward() throws Exception {
        List<RuleEvent> released = order.extractOutputValues();
        for (; forwarded < released.size(); forwarded++) {
            harness.processElement(released.get(forwarded), 2 * releaseClock);
        }
        harness.processWatermark(new Watermark(2 * releaseClock + 1));
        releaseClock++;
    }

    /** The end of the input: every host's remaining events are released. */
    private void flush() throws Exception {
        order.processWatermark(new Watermark(Long.MAX_VALUE));
        forward();
    }

    /** (exec event.id, network event.id) of every match so far. */
    private List<Tuple> matches() {
        return harness.extractOutputValues().stream()
                .map(m -> tuple(m.exec().eventId(), m.connect().eventId()))
                .toList();
    }

    @Test
    void example1_connectionWithinTheSpanAlerts() throws Exception {
        feed(exec("E"), connect("N").at(500));
        flush();
        assertThat(matches()).containsExactly(tuple("E", "N"));
    }

    @Test
    void example2_theSpanIsInclusiveAtExactlyOneSecond() throws Exception {
        feed(exec("E"), connect("N1000").at(1000));
        flush();
        assertThat(matches()).containsExactly(tuple("E", "N1000"));
    }

    @Test
    void example2_oneMillisecondMoreIsTooLate() throws Exception {
        feed(exec("E"), connect("N1001").at(1001));
        flush();
        assertThat(matches()).isEmpty();
    }

    @Test
    void example3_sameMillisecondPairsEvenWhenTheConnectionArrivesFirst() throws Exception {
        feed(connect("N"), exec("E"));
        flush();
        assertThat(matches()).containsExactly(tuple("E", "N"));
    }

    @Test
    void example4_aConnectionBeforeTheExecNeverPairs() throws Exception {
        feed(exec("E"), connect("N").at(-5));
        flush();
        assertThat(matches()).isEmpty();
    }

    @Test
    void example5_theLatestExecWins() throws Exception {
        feed(exec("E1"), exec("E2").at(300), connect("N").at(500));
        flush();
        assertThat(matches()).containsExactly(tuple("E2", "N"));
    }

    @Test
    void latestAmongSameMillisecondExecsIsTheOneThatArrivedLast() throws Exception {
        feed(exec("E1"), exec("E2"), connect("N").at(10));
        flush();
        assertThat(matches()).containsExactly(tuple("E2", "N"));
    }

    @Test
    void example6_aMatchConsumesTheExec() throws Exception {
        feed(exec("E"), connect("N1").at(200), connect("N2").at(400));
        flush();
        assertThat(matches()).containsExactly(tuple("E", "N1"));
    }

    @Test
    void aNewExecAfterAMatchCanMatchAgain() throws Exception {
        feed(exec("E1"), connect("N1").at(200), exec("E2").at(300), connect("N2").at(400));
        flush();
        assertThat(matches()).containsExactly(tuple("E1", "N1"), tuple("E2", "N2"));
    }

    @Test
    void outOfOrderArrivalWithinTheWatermarkIsSortedByEventTime() throws Exception {
        feed(connect("N").at(700), exec("E2").at(400), exec("E1").at(100));
        flush();
        assertThat(matches()).containsExactly(tuple("E2", "N"));
    }

    @Test
    void example12_differentHostsNeverJoin() throws Exception {
        feed(exec("E"), connect("N").at(100).host("h2"));
        flush();
        assertThat(matches()).isEmpty();
    }

    @Test
    void eventsMoreThanTheBoundBehindTheirHostGoToTheLateOutput() throws Exception {
        long bound = BOUND.toMillis();
        feed(exec("NEWEST").at(bound + 101));
        feed(exec("E").at(100), connect("N").at(101));
        flush();
        assertThat(matches()).isEmpty();
        assertThat(order.getSideOutput(LATE)).hasSize(1);
        assertThat(order.getSideOutput(LATE).peek().getValue().detail())
                .contains("behind host h1's newest event time");
        assertThat(harness.getSideOutput(CEP_LATE)).isNull();
    }

    @Test
    void anotherHostsClockMakesNothingLate() throws Exception {
        feed(exec("FUTURE").at(100 * BOUND.toMillis()).host("h2"));
        feed(exec("E"), connect("N").at(500));
        flush();
        assertThat(matches()).containsExactly(tuple("E", "N"));
        assertThat(order.getSideOutput(LATE)).isNull();
    }

    @Test
    void aPendingExecIsForgottenOnceItsHostsTimeHasPassedTheSpan() throws Exception {
        long bound = BOUND.toMillis();
        feed(exec("E"));
        hostClockAt(bound + 1);
        assertThat(harness.numKeyedStateEntries()).isPositive();

        hostClockAt(bound + 1 + 1000);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void nothingIsLeftInStateAfterAMatch() throws Exception {
        feed(exec("E"), connect("N").at(300), connect("lonely").at(400).parentEntity("Z"));
        flush();
        assertThat(matches()).containsExactly(tuple("E", "N"));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }
}
