package io.sshdnetcon.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.HostEvent;
import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.event.Stage;
import io.sshdnetcon.parse.EcsEventParser;
import io.sshdnetcon.testing.SpecEvents;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The idle flush of {@link OrderHostEvents}: a silent host's pending events leave after the
 * idleness (processing time), every time the host goes quiet, not only the first.
 */
class OrderHostEventsTest {

    private static final long IDLENESS = 1_000;
    private static final OutputTag<DeadLetter> LATE =
            new OutputTag<>("late-events", TypeInformation.of(DeadLetter.class));

    private KeyedOneInputStreamOperatorTestHarness<String, HostEvent, RuleEvent> order;

    @BeforeEach
    void open() throws Exception {
        order =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new OrderHostEvents(
                                        LATE,
                                        Duration.ofSeconds(5),
                                        ExecThenConnectPattern.MAX_SPAN,
                                        Duration.ofMillis(IDLENESS),
                                        Duration.ofHours(1))),
                        HostEvent::hostId,
                        Types.STRING);
        order.open();
        order.setProcessingTime(0);
    }

    @AfterEach
    void close() throws Exception {
        order.close();
    }

    private void feed(SpecEvents.Builder event) throws Exception {
        RuleEvent e = new EcsEventParser().parse(event.bytes(), "t", -1, 1).event();
        order.processElement(
                new HostEvent(e.hostId(), HostEvent.NO_CLOCK, e.timestamp(), e, "t", -1, 1), 0);
    }

    private List<String> released() {
        return order.extractOutputValues().stream()
                .filter(e -> e.stage() != Stage.EXPIRE)
                .map(RuleEvent::eventId)
                .toList();
    }

    @Test
    void aHostThatGoesQuietAgainIsFlushedAgainAfterTheIdleness() throws Exception {
        feed(SpecEvents.exec("E1"));
        order.setProcessingTime(IDLENESS - 1);
        assertThat(released()).isEmpty();
        order.setProcessingTime(IDLENESS);
        assertThat(released()).containsExactly("E1");

        // The host speaks again after its flush, then falls silent.
        order.setProcessingTime(5_000);
        feed(SpecEvents.exec("E2").entity("X2").at(10_000));
        feed(SpecEvents.connect("N2").parentEntity("X2").at(10_500));
        order.setProcessingTime(5_000 + IDLENESS - 1);
        assertThat(released()).containsExactly("E1");
        order.setProcessingTime(5_000 + IDLENESS);
        assertThat(released()).containsExactly("E1", "E2", "N2");
    }

    @Test
    void anIdleTimerThatFoundNothingPendingDoesNotDelayTheNextFlush() throws Exception {
        // E1 leaves when the host's own time passes it by more than the bound, before the first
        // idle timer: that timer finds nothing waiting.
        feed(SpecEvents.exec("E1"));
        order.processElement(
                HostEvent.clock("h1", SpecEvents.BEGINNING.toEpochMilli(), ms(20_000)), 0);
        assertThat(released()).containsExactly("E1");
        order.setProcessingTime(IDLENESS);

        order.setProcessingTime(3_000);
        feed(SpecEvents.exec("E2").entity("X2").at(30_000));
        order.setProcessingTime(3_000 + IDLENESS);
        assertThat(released()).containsExactly("E1", "E2");
        assertThat(order.getSideOutput(LATE)).isNull();
    }

    private static long ms(long afterBeginning) {
        return SpecEvents.BEGINNING.toEpochMilli() + afterBeginning;
    }
}
