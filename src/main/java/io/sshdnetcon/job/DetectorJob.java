package io.sshdnetcon.job;

import io.sshdnetcon.detect.AlertDocument;
import io.sshdnetcon.detect.BuildAlert;
import io.sshdnetcon.detect.EmitSequenceMatch;
import io.sshdnetcon.detect.ExecThenConnectPattern;
import io.sshdnetcon.detect.OrderHostEvents;
import io.sshdnetcon.detect.PendingExecGate;
import io.sshdnetcon.detect.RecordLateEvents;
import io.sshdnetcon.detect.SequenceMatch;
import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.HostEvent;
import io.sshdnetcon.event.ParsedRecord;
import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.parse.RouteParsedRecords;
import io.sshdnetcon.rule.ApplyExclusions;
import io.sshdnetcon.rule.ExclusionPolicy;
import io.sshdnetcon.rule.ExclusionSet;
import io.sshdnetcon.rule.ExclusionUpdate;
import io.sshdnetcon.rule.RouteExclusionUpdates;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.cep.CEP;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The detector's topology, the same in every deployment:
 *
 * <pre>
 * events source (parse inside; no watermarks: time is per host)
 *   -> route: count, dead-letter bad input, drop irrelevant events, note each host's clock
 *   -> keyBy host.id
 *   -> order each host's candidates in its own time; side-output those late for their host
 *   -> stamp them with a shared release clock (timestamps and watermarks)
 *   -> keyBy (host.id, join value)
 *   -> apply exclusions (broadcast state, updated at run time)
 *   -> gate: hold each exec until a connection could match it; drop connections none can
 *   -> CEP exec-then-connect within 1 s of the events' own times (same task, no third shuffle)
 *   -> build alert documents
 *   -> sinks: alerts, dead letters, late events
 * </pre>
 */
public final class DetectorJob {

    private DetectorJob() {}

    /**
     * How each host's time is judged.
     *
     * @param bound a candidate more than this behind its host's newest time is late
     * @param idleness release a silent host's candidates after this much processing time; null for
     *     never (replay: the end of the input releases them, and results do not depend on timing)
     * @param retention drop a silent host's clock after this much processing time
     */
    public record HostTime(Duration bound, Duration idleness, Duration retention) {}

    /** Adds the detector to {@code env}, reading and writing through {@code connectors}. */
    public static void build(
            StreamExecutionEnvironment env,
            ExclusionSet initialExclusions,
            ExclusionPolicy exclusionPolicy,
            HostTime hostTime,
            Connectors connectors) {
        DataStreamSource<ParsedRecord> events =
                env.fromSource(connectors.events(), WatermarkStrategy.noWatermarks(), "ECS events");
        events.uid(Uids.EVENTS_SOURCE);
        if (connectors.eventsParallelism() > 0) {
            events.setParallelism(connectors.eventsParallelism());
        }

        // Same parallelism as the source, so the route is chained into the source task: a
        // rebalance here would reorder a host's events and break its clock and arrival order.
        SingleOutputStreamOperator<HostEvent> candidates =
                events.process(
                                new RouteParsedRecords(
                                        Descriptors.DEAD_LETTERS,
                                        hostTime.bound(),
                                        ExecThenConnectPattern.MAX_SPAN,
                                        hostTime.retention()))
                        .uid(Uids.ROUTE_EVENTS)
                        .name("Route parsed events")
                        .setParallelism(events.getParallelism());

        SingleOutputStreamOperator<RuleEvent> ordered =
                candidates
                        .keyBy(HostEvent::hostId)
                        .process(
                                new OrderHostEvents(
                                        Descriptors.LATE_EVENTS,
                                        hostTime.bound(),
                                        ExecThenConnectPattern.MAX_SPAN,
                                        hostTime.idleness(),
                                        hostTime.retention()))
                        .uid(Uids.ORDER_HOST_EVENTS)
                        .name("Order each host's events");
        DataStream<RuleEvent> released =
                ordered.assignTimestampsAndWatermarks(EventTimeWatermarks.<RuleEvent>releaseClock())
                        .uid(Uids.RELEASE_CLOCK)
                        .name("Release clock");

        SingleOutputStreamOperator<ExclusionUpdate> exclusionUpdates =
                env.fromSource(
                                connectors.exclusionUpdates(),
                                EventTimeWatermarks.idleControlStream(),
                                "Exclusion set updates")
                        .uid(Uids.EXCLUSIONS_SOURCE)
                        .setParallelism(1)
                        .process(
                                new RouteExclusionUpdates(
                                        exclusionPolicy, Descriptors.DEAD_LETTERS))
                        .uid(Uids.ROUTE_EXCLUSIONS)
                        .name("Route exclusion updates")
                        .setParallelism(1);
        BroadcastStream<ExclusionUpdate> exclusions =
                exclusionUpdates.broadcast(Descriptors.EXCLUSION_SETS);

        KeySelector<RuleEvent, String> bySequenceKey = new SequenceKeySelector();
        SingleOutputStreamOperator<RuleEvent> admitted =
                released.keyBy(bySequenceKey)
                        .connect(exclusions)
                        .process(
                                new ApplyExclusions(
                                        initialExclusions,
                                        Descriptors.EXCLUSION_SETS,
                                        exclusionPolicy,
                                        Descriptors.DEAD_LETTERS))
                        .uid(Uids.APPLY_EXCLUSIONS)
                        .name("Apply exclusions");

        // Still partitioned by the sequence key: reuse it instead of paying a second shuffle.
        SingleOutputStreamOperator<RuleEvent> matchable =
                DataStreamUtils.reinterpretAsKeyedStream(admitted, bySequenceKey)
                        .process(new PendingExecGate(ExecThenConnectPattern.MAX_SPAN.toMillis()))
                        .uid(Uids.PENDING_EXEC_GATE)
                        .name("Hold execs until a connection could match");
        KeyedStream<RuleEvent, String> sequences =
                DataStreamUtils.reinterpretAsKeyedStream(matchable, bySequenceKey);
        SingleOutputStreamOperator<SequenceMatch> matches =
                CEP.pattern(sequences, ExecThenConnectPattern.create())
                        .inEventTime()
                        .sideOutputLateData(Descriptors.CEP_LATE_EVENTS)
                        .process(new EmitSequenceMatch())
                        .uid(Uids.EXEC_THEN_CONNECT)
                        .name("Exec then connect within 1 s");

        SingleOutputStreamOperator<AlertDocument> alerts =
                matches.process(new BuildAlert(Descriptors.DEAD_LETTERS))
                        .uid(Uids.BUILD_ALERTS)
                        .name("Build alert documents");

        DataStream<DeadLetter> lateEvents =
                ordered.getSideOutput(Descriptors.LATE_EVENTS)
                        .union(
                                matches.getSideOutput(Descriptors.CEP_LATE_EVENTS)
                                        .process(new RecordLateEvents())
                                        .uid(Uids.RECORD_CEP_LATE)
                                        .name("Record late events (CEP)"));
        DataStream<DeadLetter> deadLetters =
                candidates
                        .getSideOutput(Descriptors.DEAD_LETTERS)
                        .union(
                                exclusionUpdates.getSideOutput(Descriptors.DEAD_LETTERS),
                                admitted.getSideOutput(Descriptors.DEAD_LETTERS),
                                alerts.getSideOutput(Descriptors.DEAD_LETTERS));

        sink(alerts.sinkTo(connectors.alerts()), Uids.ALERTS_SINK, "Alerts", connectors);
        sink(
                deadLetters.sinkTo(connectors.deadLetters()),
                Uids.DEAD_LETTER_SINK,
                "Dead letters",
                connectors);
        sink(
                lateEvents.sinkTo(connectors.lateEvents()),
                Uids.LATE_EVENTS_SINK,
                "Late events",
                connectors);
    }

    private static void sink(
            DataStreamSink<?> sink, String uid, String name, Connectors connectors) {
        sink.uid(uid).name(name);
        if (connectors.sinkParallelism() > 0) {
            sink.setParallelism(connectors.sinkParallelism());
        }
    }

    /** Keys by (host.id, join value); the same instance partitions the stream and keys CEP. */
    static final class SequenceKeySelector implements KeySelector<RuleEvent, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(RuleEvent event) {
            return event.sequenceKey();
        }
    }
}
