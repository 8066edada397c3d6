package io.sshdnetcon.rule;

import static org.assertj.core.api.Assertions.assertThat;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

class RouteExclusionUpdatesTest {

    private static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    private static final String EVERYTHING =
            "{\"version\":9223372036854775807,\"destination_cidrs\":[\"0.0.0.0/0\",\"::/0\"],"
                    + "\"process_executables\":[],\"process_names\":[]}";

    private static ExclusionUpdate fromTopic(String json, long offset) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return ExclusionUpdate.accepted(
                ExclusionSetJson.parse(bytes),
                new ExclusionUpdate.Origin(bytes, "sshd-netcon-exclusions", 0, offset));
    }

    private static OneInputStreamOperatorTestHarness<ExclusionUpdate, ExclusionUpdate> harness(
            ExclusionPolicy policy) throws Exception {
        return ProcessFunctionTestHarnesses.forProcessFunction(
                new RouteExclusionUpdates(policy, DEAD_LETTERS));
    }

    @Test
    void aSetExcludingEverythingIsDeadLetteredWithItsOriginalBytes() throws Exception {
        ExclusionUpdate legitimate =
                fromTopic(
                        "{\"version\":2,\"destination_cidrs\":[\"10.0.0.0/8\"],\"process_executables\":[],"
                            + "\"process_names\":[]}",
                        4);
        try (var h = harness(ExclusionPolicy.DEFAULTS)) {
            h.processElement(fromTopic(EVERYTHING, 3), 1);
            h.processElement(legitimate, 2);

            assertThat(h.extractOutputValues()).containsExactly(legitimate);
            assertThat(h.getSideOutput(DEAD_LETTERS))
                    .singleElement()
                    .extracting(StreamRecord::getValue)
                    .satisfies(
                            letter -> {
                                assertThat(letter.reason())
                                        .isEqualTo(DeadLetterReason.INVALID_EXCLUSION_SET);
                                assertThat(letter.detail()).contains("exclude every IPv4 address");
                                assertThat(new String(letter.payload(), StandardCharsets.UTF_8))
                                        .isEqualTo(EVERYTHING);
                                assertThat(letter.source()).isEqualTo("sshd-netcon-exclusions");
                                assertThat(letter.offset()).isEqualTo(3);
                            });
        }
    }

    @Test
    void theOperatorMayAllowIt() throws Exception {
        try (var h = harness(new ExclusionPolicy(true, 1000, 0))) {
            ExclusionUpdate everything = fromTopic(EVERYTHING, 3);
            h.processElement(everything, 1);

            assertThat(h.extractOutputValues()).containsExactly(everything);
            assertThat(h.getSideOutput(DEAD_LETTERS)).isNull();
        }
    }

    @Test
    void aRecordRejectedOnReadingGoesStraightToTheDeadLetters() throws Exception {
        DeadLetter invalid =
                new DeadLetter(
                        DeadLetterReason.INVALID_EXCLUSION_SET,
                        "not valid JSON",
                        new byte[] {'{'},
                        "sshd-netcon-exclusions",
                        0,
                        9,
                        1L);
        try (var h = harness(ExclusionPolicy.DEFAULTS)) {
            h.processElement(ExclusionUpdate.rejected(invalid), 1);

            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(h.getSideOutput(DEAD_LETTERS))
                    .extracting(StreamRecord::getValue)
                    .isEqualTo(List.of(invalid));
        }
    }
}
