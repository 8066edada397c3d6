package io.sshdnetcon.rule;

import static io.sshdnetcon.testing.SpecEvents.connect;
import static io.sshdnetcon.testing.SpecEvents.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.sshdnetcon.event.EcsEventParser;
import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.testing.SpecEvents;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class ApplyExclusionsTest {

    private static final MapStateDescriptor<String, ExclusionSet> STATE = ApplyExclusions.stateDescriptor();

    private static RuleEvent parse(SpecEvents.Builder b) {
        return new EcsEventParser().parse(b.bytes(), "t", -1, 1).event();
    }

    private static KeyedBroadcastOperatorTestHarness<String, RuleEvent, ExclusionSet, RuleEvent> harness(
            ExclusionSet initial) throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new ApplyExclusions(initial, STATE), RuleEvent::sequenceKey, Types.STRING, STATE);
    }

    private static ExclusionSet withExtraDestination(long version, String cidr) {
        List<String> cidrs = new ArrayList<>(ExclusionSetJson.defaults().destinationCidrs());
        cidrs.add(cidr);
        ExclusionSet d = ExclusionSetJson.defaults();
        return new ExclusionSet(version, cidrs, d.processExecutables(), d.processNames());
    }

    @Test
    void passesExecsAndKeepsOnlyConnectionsTheDefaultsDoNotExclude() throws Exception {
        try (var h = harness(ExclusionSetJson.defaults())) {
            RuleEvent e = parse(exec("E"));
            h.processElement(e, 1);
            h.processElement(parse(connect("private").destination("10.1.2.3")), 2);
            h.processElement(parse(connect("yum").set("process.executable", "/usr/bin/yum")), 3);
            RuleEvent publicConnection = parse(connect("public"));
            h.processElement(publicConnection, 4);

            assertThat(h.extractOutputValues())
                    .containsExactly(e, publicConnection.withExclusionsVersion(0));
        }
    }

    @Test
    void aNewerSetReplacesTheActiveOneForLaterEvents() throws Exception {
        try (var h = harness(ExclusionSetJson.defaults())) {
            h.processElement(parse(connect("before")), 1);
            h.processBroadcastElement(withExtraDestination(3, "8.8.8.0/24"), 2);
            h.processElement(parse(connect("after")), 3);
            h.processElement(parse(connect("other").destination("1.1.1.1")), 4);

            assertThat(h.extractOutputValues())
                    .extracting(RuleEvent::eventId, RuleEvent::exclusionsVersion)
                    .containsExactly(
                            tuple("before", 0L),
                            tuple("other", 3L));
            assertThat(h.getBroadcastState(STATE).get(ApplyExclusions.ACTIVE).version()).isEqualTo(3);
        }
    }

    @Test
    void anOlderOrEqualVersionIsIgnored() throws Exception {
        try (var h = harness(ExclusionSetJson.defaults())) {
            h.processBroadcastElement(withExtraDestination(3, "8.8.8.0/24"), 1);
            h.processBroadcastElement(withExtraDestination(3, "1.1.1.0/24"), 2);
            h.processBroadcastElement(withExtraDestination(2, "1.1.1.0/24"), 3);
            h.processElement(parse(connect("N").destination("1.1.1.1")), 4);

            assertThat(h.extractOutputValues()).extracting(RuleEvent::eventId).containsExactly("N");
            assertThat(h.getBroadcastState(STATE).get(ApplyExclusions.ACTIVE).destinationCidrs())
                    .contains("8.8.8.0/24")
                    .doesNotContain("1.1.1.0/24");
        }
    }

    @Test
    void theActiveSetSurvivesASnapshotAndRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(ExclusionSetJson.defaults())) {
            h.processBroadcastElement(withExtraDestination(4, "8.8.8.0/24"), 1);
            snapshot = h.snapshot(1, 2);
        }
        // A fresh operator, as after a job restart, restored from the snapshot.
        try (var h = new KeyedBroadcastOperatorTestHarness<String, RuleEvent, ExclusionSet, RuleEvent>(
                new CoBroadcastWithKeyedOperator<>(
                        new ApplyExclusions(ExclusionSetJson.defaults(), STATE), List.of(STATE)),
                RuleEvent::sequenceKey, Types.STRING, 1, 1, 0)) {
            h.setup();
            h.initializeState(snapshot);
            h.open();
            h.processElement(parse(connect("google")), 3);
            h.processElement(parse(connect("cloudflare").destination("1.1.1.1")), 4);

            assertThat(h.extractOutputValues())
                    .extracting(RuleEvent::eventId, RuleEvent::exclusionsVersion)
                    .containsExactly(tuple("cloudflare", 4L));
        }
    }

    @Test
    void aStartUpSetNewerThanTheRestoredOneWins() throws Exception {
        try (var h = harness(withExtraDestination(9, "1.1.1.0/24"))) {
            h.processBroadcastElement(withExtraDestination(5, "8.8.8.0/24"), 1);
            h.processElement(parse(connect("google")), 2);
            h.processElement(parse(connect("cloudflare").destination("1.1.1.1")), 3);

            assertThat(h.extractOutputValues())
                    .extracting(RuleEvent::eventId, RuleEvent::exclusionsVersion)
                    .containsExactly(tuple("google", 9L));
        }
    }
}
