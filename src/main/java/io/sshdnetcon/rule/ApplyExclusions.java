package io.sshdnetcon.rule;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.event.Stage;
import io.sshdnetcon.metrics.JobCounter;
import io.sshdnetcon.metrics.MetricNames;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes connections the rule's {@code not (...)} clauses exclude, before they reach CEP, so an
 * excluded connection never consumes a pending exec. Exec events pass through untouched.
 *
 * <p>The active {@link ExclusionSet} lives in broadcast state and is replaced at run time by a set
 * with a higher version, if the {@link ExclusionPolicy} allows the step from the version in force;
 * a refused set is dead-lettered (once, by subtask 0: every subtask sees every set) and the set in
 * force stays. Until a set arrives (and after a restore that carried none) the set given at
 * start-up applies, so events are never judged against an empty list.
 *
 * <p>A set restored from state is checked again: one that excludes a whole address family (accepted
 * by an older release) is not applied; the start-up set is. Any other restored set can be discarded
 * by raising {@link ExclusionPolicy#resetGeneration()} when starting from the savepoint; the
 * generation is kept in state, so later restores of the same run keep the sets it applied.
 *
 * <p>Emits only the element it was given, for the current key: that keeps the output partitioned
 * exactly as the input, which the CEP step relies on ({@code reinterpretAsKeyedStream}).
 */
public final class ApplyExclusions
        extends KeyedBroadcastProcessFunction<String, RuleEvent, ExclusionUpdate, RuleEvent>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ApplyExclusions.class);

    /** The one key of the broadcast map under which the active set is stored. */
    static final String ACTIVE = "active";

    private final ExclusionSet initial;
    private final MapStateDescriptor<String, ExclusionSet> exclusionSets;
    private final ExclusionPolicy policy;
    private final OutputTag<DeadLetter> deadLetters;

    private transient CompiledExclusions compiled;
    private transient volatile long activeVersion;
    private transient Map<ExclusionReason, JobCounter> excluded;
    private transient JobCounter ignoredSets;
    private transient JobCounter rejectedSets;
    private transient boolean reportsRefusals;
    private transient ListState<Long> generations;
    private transient long generation;

    /** The stored set last judged by {@link #effective}, and whether it may apply. */
    private transient ExclusionSet judged;

    private transient boolean judgedAllowed;

    public ApplyExclusions(
            ExclusionSet initial,
            MapStateDescriptor<String, ExclusionSet> exclusionSets,
            ExclusionPolicy policy,
            OutputTag<DeadLetter> deadLetters) {
        CompiledExclusions.compile(initial); // fail at job construction, not on the first event
        this.initial = initial;
        this.exclusionSets = exclusionSets;
        this.policy = policy;
        this.deadLetters = deadLetters;
    }

    /** The descriptor of the broadcast state this function reads. */
    public static MapStateDescriptor<String, ExclusionSet> stateDescriptor() {
        return new MapStateDescriptor<>(
                "exclusion-sets", Types.STRING, TypeInformation.of(ExclusionSet.class));
    }

    /**
     * Union state, so every subtask sees the highest generation whatever the parallelism was; a
     * split list could leave a new subtask without it, and that subtask would reset alone.
     */
    private static ListStateDescriptor<Long> generationDescriptor() {
        return new ListStateDescriptor<>("exclusions-reset-generation", Types.LONG);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        generations = context.getOperatorStateStore().getUnionListState(generationDescriptor());
        long restored = 0;
        for (Long stored : generations.get()) {
            restored = Math.max(restored, stored);
        }
        generation = Math.max(restored, policy.resetGeneration());
        if (context.isRestored() && policy.resetGeneration() > restored) {
            BroadcastState<String, ExclusionSet> state =
                    context.getOperatorStateStore().getBroadcastState(exclusionSets);
            ExclusionSet discarded = state.get(ACTIVE);
            state.remove(ACTIVE);
            LOG.warn(
                    "Exclusions reset generation {} (state had {}): discarded the restored"
                            + " exclusion set {}; the start-up set {} applies",
                    generation,
                    restored,
                    discarded,
                    initial);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        generations.update(List.of(generation));
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
        rejectedSets =
                JobCounter.register(getRuntimeContext(), MetricNames.EXCLUSION_SETS_REJECTED);
        reportsRefusals = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0;
        activeVersion = initial.version();
        JobCounter.group(getRuntimeContext())
                .gauge(MetricNames.EXCLUSIONS_VERSION, (Gauge<Long>) () -> activeVersion);
    }

    @Override
    public void processElement(RuleEvent event, ReadOnlyContext ctx, Collector<RuleEvent> out)
            throws Exception {
        if (event.stage() != Stage.CONNECT) {
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
    public void processBroadcastElement(
            ExclusionUpdate update, Context ctx, Collector<RuleEvent> out) throws Exception {
        BroadcastState<String, ExclusionSet> state = ctx.getBroadcastState(exclusionSets);
        ExclusionSet current = effective(state.get(ACTIVE));
        ExclusionSet set = update.set();
        if (set.version() <= current.version()) {
            // Replays of the compacted control topic land here on every start; not an error.
            ignoredSets.inc();
            LOG.info(
                    "Ignoring exclusion set version {}: version {} is active",
                    set.version(),
                    current.version());
            return;
        }
        try {
            policy.check(current.version(), set);
            CompiledExclusions.compile(set);
        } catch (IllegalArgumentException e) {
            if (reportsRefusals) {
                rejectedSets.inc();
                LOG.error(
                        "Refused exclusion set version {} (version {} stays in force): {}",
                        set.version(),
                        current.version(),
                        e.getMessage());
                ctx.output(deadLetters, update.refusal(e.getMessage()));
            }
            return;
        }
        state.put(ACTIVE, set);
        activeVersion = set.version();
        LOG.info("Exclusion set version {} is now active: {}", set.version(), set);
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
        if (stored == null || stored.version() < initial.version()) {
            return initial;
        }
        if (stored != judged) {
            judged = stored;
            judgedAllowed = allowed(stored);
        }
        return judgedAllowed ? stored : initial;
    }

    /**
     * Sets this operator stored itself always pass; this catches those restored from older
     * releases.
     */
    private boolean allowed(ExclusionSet stored) {
        try {
            policy.checkCoverage(stored);
            return true;
        } catch (InvalidExclusionSetException e) {
            LOG.error(
                    "Not applying the exclusion set restored from state: {}; the start-up set"
                            + " version {} applies instead",
                    e.getMessage(),
                    initial.version());
            return false;
        }
    }
}
