package io.sshdnetcon.job;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.rule.ApplyExclusions;
import io.sshdnetcon.rule.ExclusionSet;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

/** The broadcast state descriptor and every side output of the job, in one place. */
public final class Descriptors {

    public static final MapStateDescriptor<String, ExclusionSet> EXCLUSION_SETS =
            ApplyExclusions.stateDescriptor();

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    public static final OutputTag<DeadLetter> LATE_EVENTS =
            new OutputTag<>("late-events", TypeInformation.of(DeadLetter.class));

    /**
     * CEP emits late events as they are; {@link io.sshdnetcon.detect.RecordLateEvents} wraps them.
     */
    public static final OutputTag<RuleEvent> CEP_LATE_EVENTS =
            new OutputTag<>("cep-late-events", TypeInformation.of(RuleEvent.class));

    private Descriptors() {}
}
