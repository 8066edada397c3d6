package io.sshdnetcon.detect;

import static io.sshdnetcon.testing.SpecEvents.connect;
import static io.sshdnetcon.testing.SpecEvents.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.DeadLetterReason;
import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.parse.EcsEventParser;
import io.sshdnetcon.rule.RuleMetadata;
import io.sshdnetcon.testing.HarnessMetrics;
import io.sshdnetcon.testing.SpecEvents;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/** The alert builder: an alert per match, and a dead letter (never a failure) when it cannot. */
class BuildAlertTest {

    private static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    private static RuleEvent parse(SpecEvents.Builder b) {
        return new EcsEventParser().parse(b.bytes(), "t", -1, 1).event();
    }

    private static SequenceMatch match(RuleEvent connect) {
        return new SequenceMatch(parse(exec("E")), connect);
    }

    /** The connection with other bytes, as if the parser had let them through. */
    private static RuleEvent withRaw(RuleEvent e, String raw) {
        return new RuleEvent(
                e.stage(),
                e.hostId(),
                e.joinId(),
                e.timestamp(),
                e.eventId(),
                e.destination(),
                e.processExecutables(),
                e.processNames(),
                raw.getBytes(StandardCharsets.UTF_8),
                e.exclusionsVersion(),
                e.arrivalDelayMs());
    }

    private static OneInputStreamOperatorTestHarness<SequenceMatch, AlertDocument> harness()
            throws Exception {
        return ProcessFunctionTestHarnesses.forProcessFunction(new BuildAlert(DEAD_LETTERS));
    }

    /** A harness whose counters {@code metrics} reads. */
    private static OneInputStreamOperatorTestHarness<SequenceMatch, AlertDocument> harness(
            HarnessMetrics metrics) throws Exception {
        var h =
                new OneInputStreamOperatorTestHarness<SequenceMatch, AlertDocument>(
                        new ProcessOperator<>(new BuildAlert(DEAD_LETTERS)), metrics.environment());
        h.setup();
        h.open();
        return h;
    }

    @Test
    void aMatchBecomesItsAlert() throws Exception {
        try (var h = harness()) {
            SequenceMatch m = match(parse(connect("N").at(300)));
            h.processElement(m, 1);
            assertThat(h.extractOutputValues())
                    .extracting(AlertDocument::id)
                    .containsExactly(
                            AlertIds.of(
                                    io.sshdnetcon.rule.RuleMetadata.get().ruleId(),
                                    m.exec(),
                                    m.connect()));
            assertThat(h.getSideOutput(DEAD_LETTERS)).isNull();
        }
    }

    @Test
    void eventsTheWriterCannotReadAreDeadLetteredAndTheOperatorCarriesOn() throws Exception {
        RuleEvent connect = parse(connect("N").at(300));
        String json = new String(connect.raw(), StandardCharsets.UTF_8);
        String issue13 =
                json.substring(0, json.length() - 1)
                        + ",\""
                        + String.join(".", Collections.nCopies(25_000, "a"))
                        + "\":1}";
        String deep =
                json.substring(0, json.length() - 1)
                        + ",\"d\":"
                        + "[".repeat(10_000)
                        + "]".repeat(10_000)
                        + "}";
        try (var h = harness()) {
            h.processElement(match(withRaw(connect, issue13)), 1);
            h.processElement(match(withRaw(connect, deep)), 2);
            h.processElement(match(withRaw(connect, "not json")), 3);
            h.processElement(match(connect), 4);

            assertThat(h.extractOutputValues()).hasSize(1);
            List<DeadLetter> letters =
                    h.getSideOutput(DEAD_LETTERS).stream().map(r -> r.getValue()).toList();
            assertThat(letters)
                    .extracting(DeadLetter::reason)
                    .containsOnly(DeadLetterReason.ALERT_BUILD_FAILED)
                    .hasSize(3);
            assertThat(letters.get(0).detail()).contains("a key is longer than 1024 bytes");
            assertThat(letters.get(1).detail()).contains("nest deeper than 100");
            assertThat(letters.get(2).payload())
                    .isEqualTo("not json".getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * The failure path in full, with the counts. A match whose connection, or whose exec, is not a
     * JSON object is one dead letter each: reason {@code alert_build_failed}, the match and the
     * error as detail, and the connection's bytes as payload (the exec's bytes are not in the
     * letter; its id is, in the detail). It counts as a build failure, not as an alert, and the
     * next match alerts as usual.
     */
    @Test
    void anUnrenderableMatchIsADeadLetterAndABuildFailureAndTheNextMatchAlerts() throws Exception {
        RuleEvent exec = parse(exec("E"));
        RuleEvent connect = parse(connect("N").at(300));
        SequenceMatch brokenConnect = new SequenceMatch(exec, withRaw(connect, "[\"N\"]"));
        SequenceMatch brokenExec = new SequenceMatch(withRaw(exec, "[\"E\"]"), connect);
        SequenceMatch good = match(parse(connect("N2").at(400)));
        try (var metrics = new HarnessMetrics();
                var h = harness(metrics)) {
            long sent = System.currentTimeMillis();
            h.processElement(brokenConnect, 7);
            h.processElement(brokenExec, 8);
            h.processElement(good, 9);
            long done = System.currentTimeMillis();

            assertThat(h.extractOutputValues())
                    .extracting(AlertDocument::id)
                    .containsExactly(
                            AlertIds.of(RuleMetadata.get().ruleId(), good.exec(), good.connect()));
            assertThat(h.getOutput())
                    .extracting(r -> ((StreamRecord<?>) r).getTimestamp())
                    .containsExactly(9L);

            List<StreamRecord<DeadLetter>> letters = List.copyOf(h.getSideOutput(DEAD_LETTERS));
            assertThat(letters).extracting(StreamRecord::getTimestamp).containsExactly(7L, 8L);
            String matchOfEAndN =
                    "SequenceMatch[exec=RuleEvent{EXEC host=h1 join=X t=1767607200000 id=E},"
                            + " connect=RuleEvent{CONNECT host=h1 join=X t=1767607200300 id=N}]";
            DeadLetter first = letters.get(0).getValue();
            DeadLetter second = letters.get(1).getValue();
            assertThat(first.timestamp()).isBetween(sent, done);
            assertThat(second.timestamp()).isBetween(sent, done);
            assertThat(first)
                    .isEqualTo(
                            new DeadLetter(
                                    DeadLetterReason.ALERT_BUILD_FAILED,
                                    "could not build the alert for "
                                            + matchOfEAndN
                                            + ": java.io.IOException: event bytes are not a JSON"
                                            + " object",
                                    "[\"N\"]".getBytes(StandardCharsets.UTF_8),
                                    "alerts",
                                    -1,
                                    -1,
                                    first.timestamp()));
            assertThat(second)
                    .isEqualTo(
                            new DeadLetter(
                                    DeadLetterReason.ALERT_BUILD_FAILED,
                                    "could not build the alert for "
                                            + matchOfEAndN
                                            + ": java.io.IOException: event bytes are not a JSON"
                                            + " object",
                                    connect("N").at(300).bytes(),
                                    "alerts",
                                    -1,
                                    -1,
                                    second.timestamp()));

            assertThat(metrics.counters())
                    .containsOnly(entry("alerts", 1L), entry("alert_build_failures", 2L));
            assertThat(metrics.total("alerts")).isEqualTo(1);
            assertThat(metrics.total("alert_build_failures")).isEqualTo(2);
        }
    }

    /**
     * A real StackOverflowError inside the writer is a dead letter, and the operator goes on. The
     * limits keep the writer's stack shallow, so the test takes most of a small thread stack first,
     * a little less on each attempt, until the writer's deepest call (serializing a document that
     * nests as deep as the limit allows) overflows.
     */
    @Test
    void aStackOverflowInTheWriterIsDeadLetteredToo() throws Exception {
        // The writer walks documents without recursion, so no record can overflow it any more;
        // the catch stays as a last line of defence, and a renderer that overflows proves it.
        BuildAlert overflowing =
                new BuildAlert(
                        DEAD_LETTERS,
                        (writer, match, detectedAt) -> {
                            if (match.connect().eventId().equals("N")) {
                                throw new StackOverflowError();
                            }
                            return writer.write(match, detectedAt);
                        });
        try (var h = ProcessFunctionTestHarnesses.forProcessFunction(overflowing)) {
            h.processElement(match(parse(connect("N").at(300))), 1);

            assertThat(h.extractOutputValues()).isEmpty();
            List<StreamRecord<DeadLetter>> letters = List.copyOf(h.getSideOutput(DEAD_LETTERS));
            assertThat(letters).hasSize(1);
            DeadLetter letter = letters.get(0).getValue();
            assertThat(letter.reason()).isEqualTo(DeadLetterReason.ALERT_BUILD_FAILED);
            assertThat(letter.detail()).contains("java.lang.StackOverflowError");

            // The operator carries on with the next match.
            h.processElement(match(parse(connect("N2").at(400))), 2);
            assertThat(h.extractOutputValues()).hasSize(1);
        }
    }
}
