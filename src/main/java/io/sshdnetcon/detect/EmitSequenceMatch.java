package io.sshdnetcon.detect;

import io.sshdnetcon.event.RuleEvent;
import java.util.List;
import java.util.Map;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Hands each CEP match on as a {@link SequenceMatch}. Alert building is a separate step because
 * CEP's runtime context offers no accumulators and a failure there must go to the dead letters.
 */
public final class EmitSequenceMatch extends PatternProcessFunction<RuleEvent, SequenceMatch> {

    private static final long serialVersionUID = 1L;

    @Override
    public void processMatch(
            Map<String, List<RuleEvent>> match, Context ctx, Collector<SequenceMatch> out) {
        out.collect(
                new SequenceMatch(
                        match.get(ExecThenConnectPattern.EXEC).get(0),
                        match.get(ExecThenConnectPattern.CONNECT).get(0)));
    }
}
