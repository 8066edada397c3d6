package io.sshdnetcon.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The prefilter's needles and the clock scan, case by case. */
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

    // ---------------------------------------------------------------- the clock scan

    private final RecordClockScan scan = new RecordClockScan();

    private boolean scan(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return scan.scan(b, 0, b.length);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"@timestamp\":\"2026-01-05T10:00:00.123Z\",\"host\":{\"id\":\"h-1\"}}",
                " { \"host\" : { \"name\" : \"a}{\\\"\" , \"id\" : \"h-1\" } ,"
                        + " \"@timestamp\" : \"2026-01-05T11:00:00.123+01:00\" } ",
                "{\"a\":[1,{\"b\":\"]\"}],\"n\":-1.5e3,\"t\":true,\"z\":null,"
                        + "\"host.id\":\"h-1\",\"@timestamp\":\"2026-01-05T10:00:00.123456Z\","
                        + "\"not read\": ]}\n",
                "{\"host\":\"not-an-object\",\"host\":{\"os\":{\"id\":\"x\"},\"id\":\"h-1\"},"
                        + "\"@timestamp\":\"2026-01-05T10:00:00.123Z\"}"
            })
    void findsTheTopLevelTimeAndHostWhereverTheyAre(String json) {
        assertThat(scan(json)).isTrue();
        assertThat(scan.hostId()).isEqualTo("h-1");
        assertThat(scan.timestamp())
                .isEqualTo(java.time.Instant.parse("2026-01-05T10:00:00.123Z").toEpochMilli());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "[]",
                "{}",
                "{\"@timestamp\":\"2026-01-05T10:00:00Z\"}",
                "{\"host\":{\"id\":\"h\"}}",
                "{\"@timestamp\":\"2026-01-05T10:00:00Z\",\"x\":{\"host\":{\"id\":\"h\"}}}",
                "{\"@timestamp\":\"yesterday\",\"host\":{\"id\":\"h\"}}",
                "{\"@timestamp\":[\"2026-01-05T10:00:00Z\"],\"host\":{\"id\":\"h\"}}",
                "{\"@timestamp\":\"2026-01-05T10:00:00Z\",\"host\":{\"id\":[\"h\"]}}",
                "{\"@timestamp\":\"2026-01-05T10:00:00Z\",\"host\":{\"id\":null}}",
                "{\"@timestamp\":\"2026-01-05T10:00:00Z\",\"host\":{\"id\":\"h\\u0031\"}}",
                "{\"@timestamp\":\"2026-01-05T10:00:00Z\",\"ho\\u0073t\":{\"id\":\"h\"}}",
                "{\"@timestamp\":\"2026-01-05T10:00:00Z\",\"host\":{\"id\":\"h\u00e9\"}}",
                "{\"@timestamp\":\"2026-01-05T10:00:00Z\" \"host\":{\"id\":\"h\"}}",
                "{\"@timestamp\":\"2026-01-05T10:00:00Z\",\"x\":\"unclosed,"
                        + " \"host\":{\"id\":\"h\"}",
                "{\"@timestamp\":\"2026-01-05T10:00:00Z\",\"host\":{\"id\":\"h\"},\"cut\":\"of"
            })
    void givesUpOnAnythingItCannotReadPlainly(String json) {
        assertThat(scan(json)).isFalse();
    }
}
