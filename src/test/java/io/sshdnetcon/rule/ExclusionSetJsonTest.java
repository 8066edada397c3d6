package io.sshdnetcon.rule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExclusionSetJsonTest {

    @Test
    void defaultsAreExactlyTheRulesLists() {
        ExclusionSet defaults = ExclusionSetJson.defaults();

        assertThat(defaults.version()).isZero();
        assertThat(defaults.destinationCidrs())
                .hasSize(28)
                .containsExactly(
                        "10.0.0.0/8",
                        "127.0.0.0/8",
                        "169.254.0.0/16",
                        "172.16.0.0/12",
                        "192.0.0.0/24",
                        "192.0.0.0/29",
                        "192.0.0.8/32",
                        "192.0.0.9/32",
                        "192.0.0.10/32",
                        "192.0.0.170/32",
                        "192.0.0.171/32",
                        "192.0.2.0/24",
                        "192.31.196.0/24",
                        "192.52.193.0/24",
                        "192.168.0.0/16",
                        "192.88.99.0/24",
                        "224.0.0.0/4",
                        "100.64.0.0/10",
                        "192.175.48.0/24",
                        "198.18.0.0/15",
                        "198.51.100.0/24",
                        "203.0.113.0/24",
                        "240.0.0.0/4",
                        "::1",
                        "FE80::/10",
                        "FF00::/8",
                        "172.31.0.0/16",
                        "0.0.0.0");
        assertThat(defaults.processExecutables()).containsExactly("/bin/yum", "/usr/bin/yum");
        assertThat(defaults.processNames())
                .containsExactly("login_duo", "ssh", "sshd", "sshd-session");
    }

    @Test
    void roundTripsThroughJson() {
        ExclusionSet set =
                new ExclusionSet(
                        7,
                        java.util.List.of("10.0.0.0/8", "2001:db8::/32"),
                        java.util.List.of("/opt/agent/bin/agent"),
                        java.util.List.of("agent"));
        assertThat(ExclusionSetJson.parse(ExclusionSetJson.write(set))).isEqualTo(set);
    }

    @Test
    void acceptsADescription() {
        ExclusionSet set =
                parse(
                        "{\"version\":3,\"description\":\"tuned\",\"destination_cidrs\":[],"
                                + "\"process_executables\":[],\"process_names\":[]}");
        assertThat(set.version()).isEqualTo(3);
        assertThat(set.destinationCidrs()).isEmpty();
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "not json|not valid JSON",
                "[]|must be a JSON object",
                "{\"version\":1,\"destination_cidrs\":[],\"process_executables\":[],\"process_names\":[],\"colour\":\"red\"}|unknown"
                    + " field 'colour'",
                "{\"destination_cidrs\":[],\"process_executables\":[],\"process_names\":[]}|missing"
                        + " required field 'version'",
                "{\"version\":\"1\",\"destination_cidrs\":[],\"process_executables\":[],\"process_names\":[]}|'version'"
                    + " must be a non-negative integer",
                "{\"version\":1.5,\"destination_cidrs\":[],\"process_executables\":[],\"process_names\":[]}|'version'"
                    + " must be a non-negative integer",
                "{\"version\":-1,\"destination_cidrs\":[],\"process_executables\":[],\"process_names\":[]}|'version'"
                    + " must be a non-negative integer",
                "{\"version\":1,\"process_executables\":[],\"process_names\":[]}|missing required"
                        + " field 'destination_cidrs'",
                "{\"version\":1,\"destination_cidrs\":\"10.0.0.0/8\",\"process_executables\":[],\"process_names\":[]}|'destination_cidrs'"
                    + " must be an array of strings",
                "{\"version\":1,\"destination_cidrs\":[10],\"process_executables\":[],\"process_names\":[]}|'destination_cidrs'"
                    + " must contain only strings",
                "{\"version\":1,\"destination_cidrs\":[\"10.0.0.0/33\"],\"process_executables\":[],\"process_names\":[]}|10.0.0.0/33",
                "{\"version\":1,\"destination_cidrs\":[\"banana\"],\"process_executables\":[],\"process_names\":[]}|banana",
                "{\"version\":1,\"destination_cidrs\":[],\"process_executables\":[null],\"process_names\":[]}|'process_executables'"
                    + " must contain only strings",
                "{\"version\":1,\"destination_cidrs\":[],\"process_executables\":[],\"process_names\":{}}|'process_names'"
                    + " must be an array of strings",
                "{\"version\":1,\"version\":2,\"destination_cidrs\":[],\"process_executables\":[],\"process_names\":[]}|Duplicate"
                    + " field 'version'",
                "{\"version\":1,\"description\":5,\"destination_cidrs\":[],\"process_executables\":[],\"process_names\":[]}|'description'"
                    + " must be a string"
            })
    void rejectsWithAMessageNamingTheProblem(String json, String message) {
        assertThatThrownBy(() -> parse(json))
                .isInstanceOf(InvalidExclusionSetException.class)
                .hasMessageContaining(message);
    }

    /** Sets come from a topic: hostile ones are refused with the limit they broke, quickly. */
    @ParameterizedTest(name = "{1}")
    @CsvSource({
        "nesting, nesting_too_deep",
        "name, name_too_long",
        "number, number_too_long",
        "string, string_too_long"
    })
    void hostileSetsAreRefusedNamingTheLimit(String kind, String reason) {
        String valid =
                "\"version\":1,\"destination_cidrs\":[],\"process_executables\":[],"
                        + "\"process_names\":[]";
        String json =
                switch (kind) {
                    case "nesting" ->
                            "{"
                                    + valid
                                    + ",\"description\":"
                                    + "[".repeat(10_000)
                                    + "]".repeat(10_000)
                                    + "}";
                    case "name" -> "{" + valid + ",\"" + "a.".repeat(25_000) + "a\":1}";
                    case "number" ->
                            "{\"version\":1"
                                    + "0".repeat(5000)
                                    + ",\"destination_cidrs\":[],"
                                    + "\"process_executables\":[],\"process_names\":[]}";
                    default -> "{" + valid + ",\"description\":\"" + "d".repeat(100_000) + "\"}";
                };
        assertThatThrownBy(() -> parse(json))
                .isInstanceOf(InvalidExclusionSetException.class)
                .hasMessageStartingWith("exceeds a read limit (" + reason + "): ");
    }

    @Test
    void aSetLargerThanTheLimitIsRefusedUnread() {
        byte[] huge = new byte[ExclusionSetJson.MAX_BYTES + 1];
        java.util.Arrays.fill(huge, (byte) ' ');
        assertThatThrownBy(() -> ExclusionSetJson.parse(huge))
                .isInstanceOf(InvalidExclusionSetException.class)
                .hasMessageStartingWith("too large: ");
    }

    private static ExclusionSet parse(String json) {
        return ExclusionSetJson.parse(json.getBytes(StandardCharsets.UTF_8));
    }
}
