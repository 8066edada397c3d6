package io.sshdnetcon.detect;

import static io.sshdnetcon.testing.SpecEvents.connect;
import static io.sshdnetcon.testing.SpecEvents.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.parse.EcsEventParser;
import io.sshdnetcon.testing.SpecEvents;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pattern on Flink's real CEP operator, with time driven by hand. Events are fed per the
 * examples of {@code docs/semantics.md}; {@link #flush()} advances the watermark past everything.
 */
class ExecThenConnectPatternTest {

    private static final long T0 = SpecEvents.BEGINNING.toEpochMilli();
    private static final OutputTag<RuleEvent> LATE =
            new OutputTag<>("late", TypeInformation.of(RuleEvent.class));

    private KeyedOneInputStreamOperatorTestHarness<String, RuleEvent, SequenceMatch> harness;

    @BeforeEach
    void open() throws Exception {
        Pattern<RuleEvent, RuleEvent> pattern = ExecThenConnectPattern.create();
        CepOperator<RuleEvent, String, SequenceMatch> operator =
                new CepOperator<>(
                        TypeInformation.of(RuleEvent.class)
                                .createSerializer(new SerializerConfigImpl()),
                        false,
                        NFACompiler.compileFactory(pattern, false),
                        ExecThenConnectPattern.execFirst(),
                        pattern.getAfterMatchSkipStrategy(),
                        new EmitSequenceMatch(),
                        LATE);
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        operator, RuleEvent::sequenceKey, Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void feed(SpecEvents.Builder... events) throws Exception {
        for (SpecEvents.Builder b : events) {
            RuleEvent e = new EcsEventParser().parse(b.bytes(), "t", -1, 1).event();
            harness.processElement(e, e.timestamp());
        }
    }

    private void flush() throws Exception {
        harness.processWatermark(new Watermark(T0 + 60_000));
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
    void eventsAtOrBeforeTheWatermarkGoToTheLateOutput() throws Exception {
        harness.processWatermark(new Watermark(T0 + 100));
        feed(exec("E").at(100), connect("N").at(101));
        flush();
        assertThat(matches()).isEmpty();
        assertThat(harness.getSideOutput(LATE))
                .extracting(r -> r.getValue().eventId())
                .containsExactly("E");
    }

    @Test
    void aPendingExecIsForgottenOnceTheSpanHasPassed() throws Exception {
        feed(exec("E"));
        harness.processWatermark(new Watermark(T0));
        assertThat(harness.numKeyedStateEntries()).isPositive();

        harness.processWatermark(new Watermark(T0 + 1001));
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
