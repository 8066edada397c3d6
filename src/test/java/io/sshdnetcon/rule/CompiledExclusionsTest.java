package io.sshdnetcon.rule;

import static io.sshdnetcon.testing.SpecEvents.connect;
import static org.assertj.core.api.Assertions.assertThat;

import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.parse.EcsEventParser;
import io.sshdnetcon.testing.SpecEvents;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The rule's {@code not (...)} clauses on real parsed connections, with the default lists. */
class CompiledExclusionsTest {

    private static final CompiledExclusions DEFAULTS =
            CompiledExclusions.compile(ExclusionSetJson.defaults());

    static List<Arguments> connections() {
        return List.of(
                // Example 9 of docs/semantics.md.
                Arguments.of(connect("N").destination("172.32.0.1"), null),
                Arguments.of(
                        connect("N").destination("172.31.255.255"), ExclusionReason.DESTINATION),
                Arguments.of(connect("N").destination("100.128.0.1"), null),
                Arguments.of(
                        connect("N").destination("::ffff:10.0.0.1"), ExclusionReason.DESTINATION),
                Arguments.of(connect("N").destination("fe80::1%eth0"), ExclusionReason.DESTINATION),
                Arguments.of(connect("N").destination("2001:4860:4860::8888"), null),
                // Example 10 of docs/semantics.md.
                Arguments.of(connect("N").processName("SSH"), null),
                Arguments.of(connect("N").processName("ssh"), ExclusionReason.PROCESS_NAME),
                Arguments.of(connect("N").remove("process.name"), null),
                Arguments.of(connect("N").set("process.name", null), null),
                Arguments.of(
                        connect("N").processName("sshd-session"), ExclusionReason.PROCESS_NAME),
                Arguments.of(connect("N").processName("login_duo"), ExclusionReason.PROCESS_NAME),
                Arguments.of(
                        connect("N").set("process.executable", "/usr/bin/yum"),
                        ExclusionReason.PROCESS_EXECUTABLE),
                Arguments.of(
                        connect("N").set("process.executable", "/bin/yum"),
                        ExclusionReason.PROCESS_EXECUTABLE),
                Arguments.of(connect("N").set("process.executable", "/usr/local/bin/yum"), null),
                Arguments.of(connect("N").remove("process.executable"), null),
                Arguments.of(
                        connect("N").array("process.name", "curl", "ssh"),
                        ExclusionReason.PROCESS_NAME),
                // destination.ip == null / == "0.0.0.0"
                Arguments.of(connect("N").remove("destination.ip"), ExclusionReason.NO_DESTINATION),
                Arguments.of(connect("N").array("destination.ip"), ExclusionReason.NO_DESTINATION),
                Arguments.of(connect("N").destination("0.0.0.0"), ExclusionReason.DESTINATION),
                Arguments.of(connect("N").destination("0.0.0.1"), null),
                Arguments.of(connect("N").destination("::"), null),
                Arguments.of(connect("N").destination("::10.0.0.1"), null),
                Arguments.of(connect("N").array("destination.ip", "8.8.8.8"), null),
                Arguments.of(
                        connect("N").array("destination.ip", "8.8.8.8", "192.168.1.1"),
                        ExclusionReason.DESTINATION),
                // Destination is tested before the process allowlist.
                Arguments.of(
                        connect("N").destination("10.0.0.1").processName("ssh"),
                        ExclusionReason.DESTINATION));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("connections")
    void evaluatesTheRulesNotClauses(SpecEvents.Builder connection, ExclusionReason expected) {
        RuleEvent event = new EcsEventParser().parse(connection.bytes(), "t", -1, 1).event();
        assertThat(DEFAULTS.evaluate(event)).isEqualTo(expected);
    }
}
