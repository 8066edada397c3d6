package io.sshdnetcon.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The clock scan's readings, and every case where it gives up to the full parser. */
class RecordClockScanTest {

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
