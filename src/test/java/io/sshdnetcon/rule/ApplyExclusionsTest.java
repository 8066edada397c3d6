package io.sshdnetcon.rule;

import static io.sshdnetcon.testing.SpecEvents.connect;
import static io.sshdnetcon.testing.SpecEvents.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.DeadLetterReason;
import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.parse.EcsEventParser;
import io.sshdnetcon.testing.SpecEvents;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

class ApplyExclusionsTest {

    private static final MapStateDescriptor<String, ExclusionSet> STATE =
            ApplyExclusions.stateDescriptor();

    private static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    /** What an older release accepted: anything newer, whatever it excluded. */
    private static final ExclusionPolicy ANYTHING_GOES =
            new ExclusionPolicy(true, Long.MAX_VALUE, 0);

    private static final ExclusionSet DEFAULTS = ExclusionSetJson.defaults();

    private static RuleEvent parse(SpecEvents.Builder b) {
        return new EcsEventParser().parse(b.bytes(), "t", -1, 1).event();
    }

    private static KeyedBroadcastOperatorTestHarness<String, RuleEvent, ExclusionUpdate, RuleEvent>
            harness(ExclusionSet initial) throws Exception {
        return harness(initial, ExclusionPolicy.DEFAULTS, null, 0);
    }

    /**
     * Subtask {@code subtask} of {@code subtask + 1}, optionally restored from {@code snapshot}.
     * Only subtask 0 owns every key group (probes need that).
     */
    private static KeyedBroadcastOperatorTestHarness<String, RuleEvent, ExclusionUpdate, RuleEvent>
            harness(
                    ExclusionSet initial,
                    ExclusionPolicy policy,
                    OperatorSubtaskState snapshot,
                    int subtask)
                    throws Exception {
        var h =
                new KeyedBroadcastOperatorTestHarness<
                        String, RuleEvent, ExclusionUpdate, RuleEvent>(
                        new CoBroadcastWithKeyedOperator<>(
                                new ApplyExclusions(initial, STATE, policy, DEAD_LETTERS),
                                List.of(STATE)),
                        RuleEvent::sequenceKey,
                        Types.STRING,
                        128,
                        subtask + 1,
                        subtask);
        h.setup();
        if (snapshot == null) {
            h.initializeEmptyState();
        } else {
            h.initializeState(snapshot);
        }
        h.open();
        return h;
    }

    private static ExclusionSet withExtraDestination(long version, String... extra) {
        List<String> cidrs = new ArrayList<>(DEFAULTS.destinationCidrs());
        cidrs.addAll(List.of(extra));
        return new ExclusionSet(
                version, cidrs, DEFAULTS.processExecutables(), DEFAULTS.processNames());
    }

    private static ExclusionUpdate published(ExclusionSet set, long offset) {
        return ExclusionUpdate.accepted(
                set,
                new ExclusionUpdate.Origin(ExclusionSetJson.write(set), "exclusions", 0, offset));
    }

    private static List<DeadLetter> deadLetters(
            KeyedBroadcastOperatorTestHarness<String, RuleEvent, ExclusionUpdate, RuleEvent> h) {
        Queue<StreamRecord<DeadLetter>> side = h.getSideOutput(DEAD_LETTERS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    /** Event ids and exclusion versions of what passed; 1.1.1.1, 8.8.8.8 and 9.9.9.9 probe. */
    private static List<org.assertj.core.groups.Tuple> probe(
            KeyedBroadcastOperatorTestHarness<String, RuleEvent, ExclusionUpdate, RuleEvent> h,
            String run)
            throws Exception {
        h.getOutput().clear();
        h.processElement(parse(connect(run + "-cloudflare").destination("1.1.1.1")), 10);
        h.processElement(parse(connect(run + "-google").destination("8.8.8.8")), 11);
        h.processElement(parse(connect(run + "-quad9").destination("9.9.9.9")), 12);
        return h.extractOutputValues().stream()
                .map(e -> tuple(e.eventId(), e.exclusionsVersion()))
                .toList();
    }

    @Test
    void passesExecsAndKeepsOnlyConnectionsTheDefaultsDoNotExclude() throws Exception {
        try (var h = harness(DEFAULTS)) {
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
        try (var h = harness(DEFAULTS)) {
            h.processElement(parse(connect("before")), 1);
            h.processBroadcastElement(published(withExtraDestination(3, "8.8.8.0/24"), 0), 2);
            h.processElement(parse(connect("after")), 3);
            h.processElement(parse(connect("other").destination("1.1.1.1")), 4);

            assertThat(h.extractOutputValues())
                    .extracting(RuleEvent::eventId, RuleEvent::exclusionsVersion)
                    .containsExactly(tuple("before", 0L), tuple("other", 3L));
            assertThat(h.getBroadcastState(STATE).get(ApplyExclusions.ACTIVE).version())
                    .isEqualTo(3);
            assertThat(deadLetters(h)).isEmpty();
        }
    }

    @Test
    void anOlderOrEqualVersionIsIgnored() throws Exception {
        try (var h = harness(DEFAULTS)) {
            h.processBroadcastElement(published(withExtraDestination(3, "8.8.8.0/24"), 0), 1);
            h.processBroadcastElement(published(withExtraDestination(3, "1.1.1.0/24"), 1), 2);
            h.processBroadcastElement(published(withExtraDestination(2, "1.1.1.0/24"), 2), 3);
            h.processElement(parse(connect("N").destination("1.1.1.1")), 4);

            assertThat(h.extractOutputValues()).extracting(RuleEvent::eventId).containsExactly("N");
            assertThat(h.getBroadcastState(STATE).get(ApplyExclusions.ACTIVE).destinationCidrs())
                    .contains("8.8.8.0/24")
                    .doesNotContain("1.1.1.0/24");
            assertThat(deadLetters(h)).as("ignored, not refused").isEmpty();
        }
    }

    /**
     * The attack: version 9223372036854775807 from anyone who can write the topic. Refused,
     * dead-lettered with its original bytes, and the next legitimate version still applies.
     */
    @Test
    void aVersionFarAheadIsRefusedAndTheNextLegitimateOneStillApplies() throws Exception {
        try (var h = harness(DEFAULTS)) {
            ExclusionSet attack = withExtraDestination(Long.MAX_VALUE, "1.1.1.0/24", "8.8.8.0/24");
            h.processBroadcastElement(published(attack, 7), 1);

            assertThat(probe(h, "a"))
                    .containsExactly(
                            tuple("a-cloudflare", 0L), tuple("a-google", 0L), tuple("a-quad9", 0L));
            assertThat(deadLetters(h))
                    .singleElement()
                    .satisfies(
                            letter -> {
                                assertThat(letter.reason())
                                        .isEqualTo(DeadLetterReason.INVALID_EXCLUSION_SET);
                                assertThat(letter.detail())
                                        .contains(
                                                "version 9223372036854775807 is 9223372036854775807"
                                                    + " versions ahead of version 0 in force; at"
                                                    + " most 1000")
                                        .contains("detector.exclusions.max-version-step");
                                assertThat(new String(letter.payload(), StandardCharsets.UTF_8))
                                        .isEqualTo(
                                                new String(
                                                        ExclusionSetJson.write(attack),
                                                        StandardCharsets.UTF_8));
                                assertThat(letter.offset()).isEqualTo(7);
                            });

            h.processBroadcastElement(published(withExtraDestination(1, "8.8.8.0/24"), 8), 2);
            assertThat(probe(h, "b"))
                    .containsExactly(tuple("b-cloudflare", 1L), tuple("b-quad9", 1L));
            h.processBroadcastElement(published(withExtraDestination(1001, "9.9.9.0/24"), 9), 3);
            assertThat(probe(h, "c"))
                    .as("1001 is exactly 1000 ahead of 1")
                    .containsExactly(tuple("c-cloudflare", 1001L), tuple("c-google", 1001L));
        }
    }

    /**
     * Every subtask receives every set; only subtask 0 reports a refusal, so it is counted once.
     */
    @Test
    void aRefusalIsDeadLetteredOnceNotOncePerSubtask() throws Exception {
        ExclusionUpdate attack = published(withExtraDestination(5000), 1);
        try (var first = harness(DEFAULTS, ExclusionPolicy.DEFAULTS, null, 0);
                var second = harness(DEFAULTS, ExclusionPolicy.DEFAULTS, null, 1)) {
            first.processBroadcastElement(attack, 1);
            second.processBroadcastElement(attack, 1);

            assertThat(deadLetters(first)).hasSize(1);
            assertThat(deadLetters(second)).isEmpty();
            assertThat(second.getBroadcastState(STATE).get(ApplyExclusions.ACTIVE))
                    .as("refused there too")
                    .isNull();
        }
    }

    @Test
    void theActiveSetSurvivesASnapshotAndRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(DEFAULTS)) {
            h.processBroadcastElement(published(withExtraDestination(4, "8.8.8.0/24"), 0), 1);
            snapshot = h.snapshot(1, 2);
        }
        // A fresh operator, as after a job restart, restored from the snapshot.
        try (var h = harness(DEFAULTS, ExclusionPolicy.DEFAULTS, snapshot, 0)) {
            assertThat(probe(h, "r"))
                    .containsExactly(tuple("r-cloudflare", 4L), tuple("r-quad9", 4L));
        }
    }

    @Test
    void aStartUpSetNewerThanTheRestoredOneWins() throws Exception {
        try (var h = harness(withExtraDestination(9, "1.1.1.0/24"))) {
            h.processBroadcastElement(published(withExtraDestination(5, "8.8.8.0/24"), 0), 1);
            h.processElement(parse(connect("google")), 2);
            h.processElement(parse(connect("cloudflare").destination("1.1.1.1")), 3);

            assertThat(h.extractOutputValues())
                    .extracting(RuleEvent::eventId, RuleEvent::exclusionsVersion)
                    .containsExactly(tuple("google", 9L));
        }
    }

    /**
     * A savepoint of an older release may hold a set excluding everything, accepted before the
     * policy existed. Restored, it is not applied: the start-up set is, and a legitimate next
     * version replaces it.
     */
    @Test
    void aRestoredSetExcludingEverythingIsNotApplied() throws Exception {
        ExclusionSet everything =
                new ExclusionSet(
                        Long.MAX_VALUE,
                        List.of("0.0.0.0/1", "128.0.0.0/1", "::/0"),
                        List.of(),
                        List.of());
        OperatorSubtaskState snapshot;
        try (var older = harness(DEFAULTS, ANYTHING_GOES, null, 0)) {
            older.processBroadcastElement(published(everything, 3), 1);
            assertThat(probe(older, "o")).as("the older release applied it").isEmpty();
            snapshot = older.snapshot(1, 2);
        }

        try (var h = harness(DEFAULTS, ExclusionPolicy.DEFAULTS, snapshot, 0)) {
            assertThat(probe(h, "n"))
                    .containsExactly(
                            tuple("n-cloudflare", 0L), tuple("n-google", 0L), tuple("n-quad9", 0L));
            h.processBroadcastElement(published(withExtraDestination(1, "8.8.8.0/24"), 4), 2);
            assertThat(probe(h, "l"))
                    .containsExactly(tuple("l-cloudflare", 1L), tuple("l-quad9", 1L));
        }
    }

    /**
     * Any other restored set far ahead (here version 2^63-1 excluding 1.1.1.0/24) blocks every
     * later version, until the operator raises the reset generation when starting from the
     * savepoint. The generation is kept in state: restores of that run keep the sets it applied
     * since.
     */
    @Test
    void aResetGenerationDiscardsTheRestoredSetOnceAndOnlyOnce() throws Exception {
        OperatorSubtaskState stuck;
        try (var older = harness(DEFAULTS, ANYTHING_GOES, null, 0)) {
            older.processBroadcastElement(
                    published(withExtraDestination(Long.MAX_VALUE, "1.1.1.0/24"), 3), 1);
            stuck = older.snapshot(1, 2);
        }
        try (var kept = harness(DEFAULTS, ExclusionPolicy.DEFAULTS, stuck, 0)) {
            kept.processBroadcastElement(published(withExtraDestination(1, "8.8.8.0/24"), 4), 2);
            assertThat(probe(kept, "k"))
                    .as("without a reset the restored set stays")
                    .containsExactly(
                            tuple("k-google", Long.MAX_VALUE), tuple("k-quad9", Long.MAX_VALUE));
        }

        ExclusionPolicy reset = new ExclusionPolicy(false, 1000, 1);
        OperatorSubtaskState afterReset;
        try (var h = harness(DEFAULTS, reset, stuck, 0)) {
            assertThat(probe(h, "r"))
                    .containsExactly(
                            tuple("r-cloudflare", 0L), tuple("r-google", 0L), tuple("r-quad9", 0L));
            h.processBroadcastElement(published(withExtraDestination(1, "8.8.8.0/24"), 4), 2);
            assertThat(probe(h, "s"))
                    .containsExactly(tuple("s-cloudflare", 1L), tuple("s-quad9", 1L));
            afterReset = h.snapshot(2, 3);
        }
        // A failover of the same run (same option), and a later start without the option.
        for (ExclusionPolicy later : List.of(reset, ExclusionPolicy.DEFAULTS)) {
            try (var h = harness(DEFAULTS, later, afterReset, 0)) {
                assertThat(probe(h, "f"))
                        .as("generation %d", later.resetGeneration())
                        .containsExactly(tuple("f-cloudflare", 1L), tuple("f-quad9", 1L));
            }
        }
    }
}
