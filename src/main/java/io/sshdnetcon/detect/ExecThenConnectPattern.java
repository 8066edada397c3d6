package io.sshdnetcon.detect;

import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.event.Stage;
import java.time.Duration;
import org.apache.flink.cep.EventComparator;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;

/**
 * The CEP form of {@code sequence by host.id with maxspan=1s [exec] by process.entity_id [connect]
 * by process.parent.entity_id}, applied to a stream keyed by (host.id, join value).
 *
 * <ul>
 *   <li>The {@code notFollowedBy} retires a pending exec as soon as a newer exec arrives for the
 *       same key: the latest exec wins, and each key holds at most one pending exec.
 *   <li>{@code followedBy} (not {@code followedByAny}) lets the first qualifying connection take
 *       the exec and complete the match, which consumes it: one exec, at most one alert; and with
 *       one pending exec per key, one connection, at most one alert.
 *   <li>EQL's maxspan is inclusive (1000 ms matches) while CEP's {@code within} drops a match at
 *       {@code t - t_start >= window}, so the window is 1001 ms on millisecond timestamps.
 *   <li>{@link #execFirst()} orders events of the same millisecond exec-first; CEP's sort is
 *       stable, so arrival order still decides among execs and among connections.
 * </ul>
 */
public final class ExecThenConnectPattern {

    public static final String EXEC = "exec";
    public static final String NEWER_EXEC = "newer_exec";
    public static final String CONNECT = "connect";

    /** The rule's maxspan, inclusive. */
    public static final Duration MAX_SPAN = Duration.ofSeconds(1);

    private ExecThenConnectPattern() {}

    public static Pattern<RuleEvent, RuleEvent> create() {
        return Pattern.<RuleEvent>begin(EXEC)
                .where(new IsStage(Stage.EXEC))
                .notFollowedBy(NEWER_EXEC)
                .where(new IsStage(Stage.EXEC))
                .followedBy(CONNECT)
                .where(new IsStage(Stage.CONNECT))
                .within(MAX_SPAN.plusMillis(1));
    }

    /** Same-millisecond tie-break: the exec'd process must exist before its child connects. */
    public static EventComparator<RuleEvent> execFirst() {
        return new ExecFirst();
    }

    private static final class IsStage extends SimpleCondition<RuleEvent> {
        private static final long serialVersionUID = 1L;
        private final Stage stage;

        IsStage(Stage stage) {
            this.stage = stage;
        }

        @Override
        public boolean filter(RuleEvent event) {
            return event.stage() == stage;
        }
    }

    private static final class ExecFirst implements EventComparator<RuleEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public int compare(RuleEvent a, RuleEvent b) {
            return Integer.compare(a.stage().ordinal(), b.stage().ordinal());
        }
    }
}
