package io.sshdnetcon.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.event.Stage;
import io.sshdnetcon.metrics.MetricNames;
import io.sshdnetcon.testing.HarnessMetrics;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which events reach CEP, in the order the per-host ordering releases them. */
class PendingExecGateTest {

    private final HarnessMetrics metrics = new HarnessMetrics();
    private KeyedOneInputStreamOperatorTestHarness<String, RuleEvent, RuleEvent> harness;
    private long sent;

    @BeforeEach
    void start() throws Exception {
        harness = create();
        harness.open();
    }

    @AfterEach
    void stop() throws Exception {
        harness.close();
        metrics.close();
    }

    private KeyedOneInputStreamOperatorTestHarness<String, RuleEvent, RuleEvent> create()
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(
                        InstantiationUtil.clone(
                                new PendingExecGate(ExecThenConnectPattern.MAX_SPAN.toMillis()))),
                RuleEvent::sequenceKey,
                Types.STRING,
                metrics.environment());
    }

    /** The last state, restored into a new gate: the restore a job makes after a failure. */
    private void restore() throws Exception {
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();
        harness = create();
        harness.initializeState(snapshot);
        harness.open();
    }

    private static RuleEvent event(Stage stage, String host, String key, long t) {
        return new RuleEvent(
                stage,
                host,
                key,
                t,
                stage + "@" + t,
                RuleEvent.NO_ADDRESSES,
                List.of(),
                List.of(),
                new byte[0],
                0L,
                null);
    }

    private void send(Stage stage, String host, String key, long t) throws Exception {
        harness.processElement(event(stage, host, key, t), ++sent);
    }

    private List<String> passed() {
        List<String> ids = new ArrayList<>();
        for (RuleEvent e : harness.extractOutputValues()) {
            ids.add(e.hostId() + "/" + e.joinId() + " " + e.eventId());
        }
        return ids;
    }

    @Test
    void anExecIsPassedOnWithTheFirstConnectionWithinTheSpanAndNothingElseIs() throws Exception {
        send(Stage.CONNECT, "h1", "X", 0); // no exec yet
        send(Stage.EXEC, "h1", "X", 100); // held
        send(Stage.CONNECT, "h1", "Y", 150); // another key: no exec there
        send(Stage.CONNECT, "h2", "X", 200); // same join value, another host
        send(Stage.CONNECT, "h1", "X", 1100); // 1000 ms: the span is inclusive
        send(Stage.CONNECT, "h1", "X", 1100); // the exec is consumed: CEP would not match
        send(Stage.EXEC, "h1", "Z", 100);
        send(Stage.CONNECT, "h1", "Z", 1101); // 1001 ms
        assertThat(passed()).containsExactly("h1/X EXEC@100", "h1/X CONNECT@1100");
        assertThat(metrics.total(MetricNames.CONNECTIONS_WITHOUT_EXEC)).isEqualTo(5);
    }

    @Test
    void anExecAndAConnectionOfTheSameMillisecondPassTogether() throws Exception {
        send(Stage.EXEC, "h1", "X", 100);
        send(Stage.CONNECT, "h1", "X", 100);
        assertThat(passed()).containsExactly("h1/X EXEC@100", "h1/X CONNECT@100");
    }

    @Test
    void aNewerExecTakesOverAndOnlyItsOwnExpiryForgetsIt() throws Exception {
        send(Stage.EXEC, "h1", "X", 0);
        send(Stage.EXEC, "h1", "X", 500);
        send(Stage.EXPIRE, "h1", "X", 1000); // the first exec's marker: the second stays
        send(Stage.CONNECT, "h1", "X", 1400);
        send(Stage.EXEC, "h1", "Y", 1400);
        send(Stage.EXPIRE, "h1", "Y", 2400); // the exec on Y expires unmatched
        send(Stage.CONNECT, "h1", "Y", 2400); // after the marker: CEP has retired the exec
        assertThat(passed())
                .containsExactly(
                        "h1/X EXPIRE@1000",
                        "h1/X EXEC@500",
                        "h1/X CONNECT@1400",
                        "h1/Y EXPIRE@2400");
    }

    @Test
    void expiryMarkersPassEvenWithoutAKnownExec() throws Exception {
        send(Stage.EXPIRE, "h1", "X", 1000);
        assertThat(passed()).containsExactly("h1/X EXPIRE@1000");
    }

    @Test
    void aHeldExecSurvivesARestore() throws Exception {
        send(Stage.EXEC, "h1", "X", 0);
        restore();
        send(Stage.CONNECT, "h1", "X", 500);
        assertThat(passed()).containsExactly("h1/X EXEC@0", "h1/X CONNECT@500");
    }

    /**
     * A savepoint of a version without the gate restores CEP's pending execs but nothing here:
     * until a host's events are a span past its first one after the restore, its connections pass,
     * and its execs pass at once (to retire an older one CEP may hold); an exec passed on at once
     * is followed at once by the next exec of its key.
     */
    @Test
    void afterARestoreEachHostHasAWindowOfOneSpan() throws Exception {
        restore();
        send(Stage.EXEC, "h1", "X", 10_000); // h1's first event since the restore
        send(Stage.CONNECT, "h1", "Y", 10_500); // no exec known on Y: CEP may hold one
        send(Stage.CONNECT, "h1", "X", 10_800); // the exec is already in CEP
        send(Stage.CONNECT, "h2", "X", 50_000); // h2's first: its own window
        send(Stage.CONNECT, "h1", "Y", 11_001); // past h1's window
        send(Stage.EXEC, "h1", "Z", 12_000); // held again
        send(Stage.EXEC, "h1", "W", 12_000);
        send(Stage.CONNECT, "h1", "Z", 12_500);
        assertThat(passed())
                .containsExactly(
                        "h1/X EXEC@10000",
                        "h1/Y CONNECT@10500",
                        "h1/X CONNECT@10800",
                        "h2/X CONNECT@50000",
                        "h1/Z EXEC@12000",
                        "h1/Z CONNECT@12500");
    }

    @Test
    void anExecThatReplacesOneCepHoldsIsPassedOnAtOnce() throws Exception {
        restore();
        send(Stage.EXEC, "h1", "X", 10_000); // in the window: passed on, pending in CEP
        send(Stage.EXEC, "h1", "X", 11_500); // past the window, but it must retire the first
        send(Stage.CONNECT, "h1", "X", 12_000);
        assertThat(passed())
                .containsExactly("h1/X EXEC@10000", "h1/X EXEC@11500", "h1/X CONNECT@12000");
    }

    @Test
    void aJobStartedWithoutStateHasNoWindow() throws Exception {
        send(Stage.CONNECT, "h1", "X", 10_000);
        send(Stage.EXEC, "h1", "X", 10_000);
        assertThat(passed()).isEmpty();
    }
}
