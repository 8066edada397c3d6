package io.sshdnetcon.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Usage handling of the tools; none of these reach Kafka. */
class CommandLineToolsTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int exclusions(String... args) {
        return ExclusionsTool.run(args, print(out), print(err));
    }

    private int produce(String... args) {
        return ProduceEventsTool.run(
                args, new ByteArrayInputStream(new byte[0]), print(out), print(err));
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpGoesToStdoutAndSucceeds() {
        assertThat(exclusions("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .startsWith("Usage: scripts/exclusions.sh publish FILE");
        out.reset();
        assertThat(produce("-h")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .startsWith("Usage: scripts/produce-events.sh");
    }

    @Test
    void usageErrorsExitWith2() {
        assertThat(exclusions()).isEqualTo(2);
        assertThat(err()).contains("missing command: publish or show");
        assertThat(exclusions("delete", "--bootstrap-servers", "h:1")).isEqualTo(2);
        assertThat(exclusions("publish", "--bootstrap-servers", "h:1")).isEqualTo(2);
        assertThat(err()).contains("publish needs exactly one FILE");
        assertThat(exclusions("show")).isEqualTo(2);
        assertThat(err()).contains("--bootstrap-servers is required");
        assertThat(exclusions("show", "--bootstrap-servers", "nohost")).isEqualTo(2);
        assertThat(err()).contains("--bootstrap-servers: 'nohost' is not host:port");
        assertThat(exclusions("show", "--bootstrap-servers", "h:1", "--topic", "a b")).isEqualTo(2);
        assertThat(exclusions("show", "--bootstrap-servers", "h:1", "--timeout-ms", "0"))
                .isEqualTo(2);
        assertThat(
                        exclusions(
                                "show",
                                "--bootstrap-servers",
                                "h:1",
                                "--properties-file",
                                "/nonexistent"))
                .isEqualTo(2);
        assertThat(err()).contains("--properties-file: cannot read /nonexistent");

        assertThat(produce("--bootstrap-servers", "h:1")).isEqualTo(2);
        assertThat(err()).contains("--events is required");
        assertThat(produce("--events", "f", "--bootstrap-servers", "h:1", "--rate", "fast"))
                .isEqualTo(2);
        assertThat(err()).contains("--rate must be a positive whole number: fast");
        assertThat(produce("--events", "f", "--bootstrap-servers", "h:1", "--events", "g"))
                .isEqualTo(2);
        assertThat(err()).contains("--events given twice");
        assertThat(produce("--events", "f", "--bootstrap-servers", "h:1", "--colour")).isEqualTo(2);
        assertThat(err()).contains("unknown option --colour");
    }
}
