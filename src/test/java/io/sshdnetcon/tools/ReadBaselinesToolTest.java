package io.sshdnetcon.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark baselines count what they read, so a figure per event means what it says. */
class ReadBaselinesToolTest {

    @TempDir Path dir;

    @Test
    void bothBaselinesCountEveryNonEmptyLineAndTheWalkEveryToken() throws Exception {
        Path events = dir.resolve("events.ndjson");
        Files.writeString(
                events,
                "{\"a\":\"xy\",\"b\":[1,true]}\n\n{\"c\":{\"d\":null}}\r\nnot json\n",
                StandardCharsets.UTF_8);

        ReadBaselinesTool.Pass lines = ReadBaselinesTool.lines(events);
        ReadBaselinesTool.Pass tokens = ReadBaselinesTool.tokens(events);

        assertThat(lines.records()).isEqualTo(3);
        assertThat(tokens.records()).isEqualTo(3);
        // { a "xy" b [ 1 true ] } = 9; { c { d null } } = 7; "not json" fails on its first token.
        assertThat(tokens.tokens()).isEqualTo(16);
        // a, xy, b, c, d
        assertThat(tokens.decodedChars()).isEqualTo(6);
        assertThat(tokens.malformed()).isEqualTo(1);
    }

    @Test
    void anUnreadableFileIsAClearFailure() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status =
                ReadBaselinesTool.run(
                        new String[] {"--events", "/nonexistent/events.ndjson", "--warmup", "0"},
                        new PrintStream(out),
                        new PrintStream(err));
        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).startsWith("read-baselines: cannot read /nonexistent");
    }
}
