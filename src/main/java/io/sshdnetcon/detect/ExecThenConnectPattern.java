package io.sshdnetcon.detect;

import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.event.Stage;
import java.time.Duration;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
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
 *   <li>EQL's maxspan is inclusive: a connection 1000 ms after the exec matches, 1001 ms does not.
 *   <li>Same-millisecond order (exec before connect, then arrival) is settled before CEP, by the
 *       per-host ordering; CEP keeps the order in which events arrive, having no comparator.
 * </ul>
 */
public final class ExecThenConnectPattern {

    public static final String EXEC = "exec";
    public static final String NEWER_EXEC = "newer_exec";
    public static final String CONNECT = "connect";

    /** The rule's maxspan, inclusive. */
    public static final Duration MAX_SPAN = Duration.ofSeconds(1);

    private ExecThenConnectPattern() {}

    /**
     * Events arrive in their host's time order (see {@link OrderHostEvents}), stamped with a
     * release clock, so the maxspan cannot be a CEP window: it is checked on the events' own
     * timestamps, and a pending exec is retired by a newer exec of the same key (latest wins) or by
     * the {@link Stage#EXPIRE} marker that follows it once its host's time has passed the span.
     */
    public static Pattern<RuleEvent, RuleEvent> create() {
        return Pattern.<RuleEvent>begin(EXEC)
                .where(new IsStage(Stage.EXEC))
                .notFollowedBy(NEWER_EXEC)
                .where(new RetiresExec())
                .followedBy(CONNECT)
                .where(new ConnectsWithinSpan());
    }

    private static RuleEvent pendingExec(IterativeCondition.Context<RuleEvent> ctx)
            throws Exception {
        for (RuleEvent exec : ctx.getEventsForPattern(EXEC)) {
            return exec;
        }
        throw new IllegalStateException("no exec in a partial match");
    }

    /** A newer exec of the key, or the expiry of this exec's span. */
    private static final class RetiresExec extends IterativeCondition<RuleEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean filter(RuleEvent event, Context<RuleEvent> ctx) throws Exception {
            return switch (event.stage()) {
                case EXEC -> true;
                case EXPIRE ->
                        event.timestamp() - pendingExec(ctx).timestamp() >= MAX_SPAN.toMillis();
                case CONNECT -> false;
            };
        }
    }

    /** A connection at most the maxspan after the exec, on the events' own timestamps. */
    private static final class ConnectsWithinSpan extends IterativeCondition<RuleEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean filter(RuleEvent event, Context<RuleEvent> ctx) throws Exception {
            if (event.stage() != Stage.CONNECT) {
                return false;
            }
            long gap = event.timestamp() - pendingExec(ctx).timestamp();
            return gap >= 0 && gap <= MAX_SPAN.toMillis();
        }
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
}
