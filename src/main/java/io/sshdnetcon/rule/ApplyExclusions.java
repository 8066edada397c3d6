package io.sshdnetcon.rule;

import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.event.Stage;
import io.sshdnetcon.metrics.JobCounter;
import io.sshdnetcon.metrics.MetricNames;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes connections the rule's {@code not (...)} clauses exclude, before they reach CEP, so an
 * excluded connection never consumes a pending exec. Exec events pass through untouched.
 *
 * <p>The active {@link ExclusionSet} lives in broadcast state and is replaced at run time by a
 * set with a higher version. Until such a set arrives (and after a restore that carried none) the
 * set given at start-up applies, so events are never judged against an empty list.
 *
 * <p>Emits only the element it was given, for the current key: that keeps the output partitioned
 * exactly as the input, which the CEP step relies on ({@code reinterpretAsKeyedStream}).
 */
public final class ApplyExclusions
        extends KeyedBroadcastProcessFunction<String, RuleEvent, ExclusionSet, RuleEvent> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ApplyExclusions.class);

    /** The one key of the broadcast map under which the active set is stored. */
    static final String ACTIVE = "active";

    private final ExclusionSet initial;
    private final MapStateDescriptor<String, ExclusionSet> exclusionSets;

    private transient CompiledExclusions compiled;
    private transient volatile long activeVersion;
    private transient Map<ExclusionReason, JobCounter> excluded;
    private transient JobCounter ignoredSets;

    public ApplyExclusions(
            ExclusionSet initial, MapStateDescriptor<String, ExclusionSet> exclusionSets) {
        CompiledExclusions.compile(initial); // fail at job construction, not on the first event
        this.initial = initial;
        this.exclusionSets = exclusionSets;
    }

    /** The descriptor of the broadcast state this function reads. */
    public static MapStateDescriptor<String, ExclusionSet> stateDescriptor() {
        return new MapStateDescriptor<>(
                "exclusion-sets", Types.STRING, TypeInformation.of(ExclusionSet.class));
    }

    @Override
    public void open(OpenContext openContext) {
        excluded = new EnumMap<>(ExclusionReason.class);
        for (ExclusionReason reason : ExclusionReason.values()) {
            excluded.put(
                    reason,
                    JobCounter.registerLabelled(
                            getRuntimeContext(),
                            MetricNames.EVENTS_EXCLUDED,
                            MetricNames.EXCLUSION_REASON_LABEL,
                            reason.code()));
        }
        ignoredSets = JobCounter.register(getRuntimeContext(), MetricNames.EXCLUSION_SETS_IGNORED);
        activeVersion = initial.version();
        JobCounter.group(getRuntimeContext())
                .gauge(MetricNames.EXCLUSIONS_VERSION, (Gauge<Long>) () -> activeVersion);
    }

    @Override
    public void processElement(RuleEvent event, ReadOnlyContext ctx, Collector<RuleEvent> out)
            throws Exception {
        if (event.stage() == Stage.EXEC) {
            out.collect(event);
            return;
        }
        CompiledExclusions active = active(ctx.getBroadcastState(exclusionSets));
        ExclusionReason reason = active.evaluate(event);
        if (reason != null) {
            excluded.get(reason).inc();
            return;
        }
        out.collect(event.withExclusionsVersion(active.version()));
    }

    @Override
    public void processBroadcastElement(ExclusionSet update, Context ctx, Collector<RuleEvent> out)
            throws Exception {
        BroadcastState<String, ExclusionSet> state = ctx.getBroadcastState(exclusionSets);
        ExclusionSet current = effective(state.get(ACTIVE));
        if (update.version() <= current.version()) {
            // Replays of the compacted control topic land here on every start; not an error.
            ignoredSets.inc();
            LOG.info("Ignoring exclusion set version {}: version {} is active",
                    update.version(), current.version());
            return;
        }
        try {
            CompiledExclusions.compile(update);
        } catch (IllegalArgumentException e) {
            // Sets are validated where they enter the job; this guards state against a bad one.
            ignoredSets.inc();
            LOG.error("Ignoring invalid exclusion set version {}: {}", update.version(), e.getMessage());
            return;
        }
        state.put(ACTIVE, update);
        activeVersion = update.version();
        LOG.info("Exclusion set version {} is now active: {}", update.version(), update);
    }

    private CompiledExclusions active(ReadOnlyBroadcastState<String, ExclusionSet> state)
            throws Exception {
        ExclusionSet set = effective(state.get(ACTIVE));
        if (compiled == null || compiled.version() != set.version()) {
            // Compiled lookups are not state; they are rebuilt after a restore or an update.
            compiled = CompiledExclusions.compile(set);
            activeVersion = set.version();
        }
        return compiled;
    }

    private ExclusionSet effective(ExclusionSet stored) {
        return stored != null && stored.version() >= initial.version() ? stored : initial;
    }
}
