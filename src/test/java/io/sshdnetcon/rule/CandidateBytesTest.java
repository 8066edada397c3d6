package io.sshdnetcon.rule;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The prefilter's needles, case by case. */
class CandidateBytesTest {

    private static boolean passes(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return CandidateBytes.mayBeCandidate(b, 0, b.length);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"event\":{\"action\":\"exec\"},"
                        + "\"process\":{\"parent\":{\"executable\":\"/usr/sbin/sshd\"}}}",
                "{\"process\":{\"parent\":{\"executable\":\"\\/usr\\/sbin\\/sshd\"}},"
                        + "\"event.action\":[\"exec\"]}",
                "{\"x\":\"\\u0073shd\"}",
                "{\"x\":\"ssh\\u0064\"}",
                "{\"x\":\"ssh\\u0044\"}",
                "{\"x\":\"sshd\",\"y\":\"e\\u0078ec\"}",
                "{\"event\":{\"action\":\"connection_attempted\"}}",
                "{\"event\":{\"action\":\"connection\\u005Fattempted\"}}",
                "sshd \"exec\"",
                "connection_attempted"
            })
    void aNeedleOrAnAsciiEscapePasses(String json) {
        assertThat(passes(json)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "{}",
                "{\"process\":{\"parent\":{\"executable\":\"/usr/sbin/ssh\"}}}",
                "{\"process\":{\"parent\":{\"executable\":\"/usr/sbin/sshd\"}},"
                        + "\"event\":{\"action\":\"fork\"}}",
                "{\"event\":{\"action\":\"connection_accepted\"}}",
                "{\"x\":\"s\\/shd\"}",
                "{\"x\":\"\\\\\"}",
                "{\"x\":\"\\u2028\"}",
                "ssh",
                "sshd",
                "connection_attempte"
            })
    void everythingElseIsRuledOut(String json) {
        assertThat(passes(json)).isFalse();
    }

    @Test
    void aNeedleAtEitherEndOfTheRangeIsFoundAndNothingOutsideIt() {
        String text = "x\"exec\"sshdxconnection_attemptedx";
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        int exec = text.indexOf('"');
        int connection = text.indexOf("connection");
        assertThat(CandidateBytes.mayBeCandidate(b, exec, 10)).isTrue();
        assertThat(CandidateBytes.mayBeCandidate(b, exec + 1, 9)).isFalse();
        assertThat(CandidateBytes.mayBeCandidate(b, exec, 9)).isFalse();
        assertThat(CandidateBytes.mayBeCandidate(b, connection, 20)).isTrue();
        assertThat(CandidateBytes.mayBeCandidate(b, connection, 19)).isFalse();
        assertThat(CandidateBytes.mayBeCandidate(b, connection + 1, 20)).isFalse();
    }
}
