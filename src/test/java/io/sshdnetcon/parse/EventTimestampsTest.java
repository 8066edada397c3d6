package io.sshdnetcon.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventTimestampsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "2026-01-05T10:00:00.123Z,        2026-01-05T10:00:00.123Z",
        "2026-01-05T10:00:00Z,            2026-01-05T10:00:00Z",
        "2026-01-05T10:00:00.1Z,          2026-01-05T10:00:00.100Z",
        "2026-01-05T10:00:00.12Z,         2026-01-05T10:00:00.120Z",
        // Truncated, never rounded: sub-millisecond digits are dropped.
        "2026-01-05T10:00:00.123999999Z,  2026-01-05T10:00:00.123Z",
        "2026-01-05T10:00:00.9999Z,       2026-01-05T10:00:00.999Z",
        "2026-01-05T12:00:00.000+02:00,   2026-01-05T10:00:00Z",
        "2026-01-05T05:30:00-0430,        2026-01-05T10:00:00Z",
        "2026-01-05T11:00:00+01,          2026-01-05T10:00:00Z",
        "2026-01-05T10:00:00,             2026-01-05T10:00:00Z",
        "2026-01-05T10:00,                2026-01-05T10:00:00Z",
        "2026-01-05,                      2026-01-05T00:00:00Z",
        "2024-02-29T23:59:59.999Z,        2024-02-29T23:59:59.999Z",
        "1969-12-31T23:59:59.500Z,        1969-12-31T23:59:59.500Z",
        "2000-03-01T00:00:00Z,            2000-03-01T00:00:00Z",
        "0001-01-01T00:00:00Z,            0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999Z,        9999-12-31T23:59:59.999Z"
    })
    void parsesIso8601AndTruncatesToMilliseconds(String text, String expected) {
        assertThat(EventTimestamps.parseEpochMillis(text))
                .isEqualTo(Instant.parse(expected).toEpochMilli());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "2026-01-05T10:00:00.000+05:45",
                "2026-01-05T10:00:00.000-18:00",
                "2026-06-30T23:59:59.999999+14:00"
            })
    void agreesWithJavaTimeOnOffsets(String text) {
        long expected = OffsetDateTime.parse(text).toInstant().toEpochMilli();
        assertThat(EventTimestamps.parseEpochMillis(text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(
            strings = {
                "",
                "yesterday",
                "1767607200000",
                "2026-1-05T10:00:00Z",
                "2026-01-05 10:00:00Z",
                "2026-01-05t10:00:00Z",
                "2026-13-05T10:00:00Z",
                "2026-00-05T10:00:00Z",
                "2026-02-29T10:00:00Z",
                "2026-04-31T10:00:00Z",
                "2026-01-05T24:00:00Z",
                "2026-01-05T10:60:00Z",
                "2026-01-05T10:00:60Z",
                "2026-01-05T10:00:00.Z",
                "2026-01-05T10:00:00,5Z",
                "2026-01-05T10:00:00.1234567890Z",
                "2026-01-05T10:00:00ZZ",
                "2026-01-05T10:00:00+25:00",
                "2026-01-05T10:00:00+02:60",
                "2026-01-05T10:00:00+2",
                "2026-01-05T10:00:00 ",
                " 2026-01-05T10:00:00Z",
                "2026-01-05T10",
                "2026-01-05T10:0",
                "+2026-01-05T10:00:00Z",
                "2026-01-05T10:00:00UTC"
            })
    void rejectsEverythingElse(String text) {
        assertThat(EventTimestamps.parseEpochMillis(text)).isEqualTo(EventTimestamps.INVALID);
    }
}
