package io.sshdnetcon.testing;

import static io.sshdnetcon.testing.SpecEvents.connect;
import static io.sshdnetcon.testing.SpecEvents.exec;
import static io.sshdnetcon.testing.SpecEvents.unrelated;
import static org.assertj.core.api.Assertions.assertThat;

import io.sshdnetcon.testing.ReferenceDetector.AlertPair;
import io.sshdnetcon.testing.ReferenceDetector.Exclusions;
import io.sshdnetcon.testing.ReferenceDetector.LateLine;
import io.sshdnetcon.testing.ReferenceDetector.Result;
import io.sshdnetcon.testing.SpecEvents.Builder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReferenceDetectorTest {

    /** Generous enough that ordinary examples never go late. */
    private static final long BOUND = 60_000;

    private static final AlertPair E_N = new AlertPair("E", "N");

    private static Result detect(Builder... lines) {
        return detectWithBound(BOUND, lines);
    }

    private static Result detectWithBound(long bound, Builder... lines) {
        List<byte[]> bytes = Arrays.stream(lines).map(Builder::bytes).toList();
        return detectBytes(bytes, bound, Exclusions.defaults());
    }

    private static Result detectBytes(List<byte[]> lines, long bound, Exclusions exclusions) {
        return detectBytes(lines, bound, exclusions, ReferenceDetector.Lateness.GLOBAL);
    }

    private static Result detectBytes(
            List<byte[]> lines,
            long bound,
            Exclusions exclusions,
            ReferenceDetector.Lateness lateness) {
        Result result = ReferenceDetector.detect(lines, bound, exclusions, lateness);
        assertThat(new HashSet<>(result.alerts()))
                .as("no duplicate pairs")
                .hasSameSizeAs(result.alerts());
        return result;
    }

    private static Result detectText(String... lines) {
        List<byte[]> bytes =
                Arrays.stream(lines).map(l -> l.getBytes(StandardCharsets.UTF_8)).toList();
        return detectBytes(bytes, BOUND, Exclusions.defaults());
    }

    /** The rows of the examples table in {@code docs/semantics.md}. */
    @Nested
    class ContractExamples {

        @Test
        void example1_connectionHalfASecondAfterTheExecAlerts() {
            assertThat(detect(exec("E"), connect("N").at(500)).alerts()).containsExactly(E_N);
        }

        @Test
        void example2_theSpanIsInclusiveAt1000AndExcludes1001() {
            assertThat(detect(exec("E"), connect("N").at(1000)).alerts()).containsExactly(E_N);
            assertThat(detect(exec("E"), connect("N").at(1001)).alerts()).isEmpty();
        }

        @Test
        void example3_sameMillisecondPairsWhicheverArrivesFirst() {
            assertThat(detect(exec("E"), connect("N").at(0)).alerts()).containsExactly(E_N);
            assertThat(detect(connect("N").at(0), exec("E")).alerts()).containsExactly(E_N);
        }

        @Test
        void example4_aConnectionBeforeTheExecNeverPairs() {
            assertThat(detect(exec("E"), connect("N").at(-5)).alerts()).isEmpty();
            assertThat(detect(connect("N").at(-5), exec("E")).alerts()).isEmpty();
        }

        @Test
        void example5_theLatestExecWins() {
            assertThat(detect(exec("E1"), exec("E2").at(300), connect("N").at(500)).alerts())
                    .containsExactly(new AlertPair("E2", "N"));
        }

        @Test
        void example5_latestIsByEventTimeNotArrival() {
            assertThat(detect(exec("E2").at(300), exec("E1"), connect("N").at(500)).alerts())
                    .containsExactly(new AlertPair("E2", "N"));
        }

        @Test
        void example5_onTheSameMillisecondTheLaterArrivalIsTheLatest() {
            assertThat(
                            detect(exec("E1").at(300), exec("E2").at(300), connect("N").at(500))
                                    .alerts())
                    .containsExactly(new AlertPair("E2", "N"));
        }

        @Test
        void example6_oneExecGivesOneAlertToTheFirstConnection() {
            assertThat(detect(exec("E"), connect("N1").at(200), connect("N2").at(400)).alerts())
                    .containsExactly(new AlertPair("E", "N1"));
            // Arrival order does not matter, event time does.
            assertThat(detect(connect("N2").at(400), exec("E"), connect("N1").at(200)).alerts())
                    .containsExactly(new AlertPair("E", "N1"));
        }

        @Test
        void example6_onTheSameMillisecondTheEarlierArrivalIsFirst() {
            assertThat(detect(exec("E"), connect("N1").at(200), connect("N2").at(200)).alerts())
                    .containsExactly(new AlertPair("E", "N1"));
        }

        @Test
        void example7_anExcludedConnectionTouchesNothing() {
            assertThat(
                            detect(
                                            exec("E"),
                                            connect("N").at(100).destination("10.1.2.3"),
                                            connect("N'").at(200))
                                    .alerts())
                    .containsExactly(new AlertPair("E", "N'"));
        }

        @Test
        void example8_theExecdProcessItselfConnectingDoesNotMatch() {
            Builder shellConnects =
                    connect("N")
                            .at(100)
                            .set("process.entity_id", "X")
                            .set("process.parent.entity_id", "SSHD-1")
                            .set("process.parent.executable", "/usr/sbin/sshd")
                            .set("process.name", "bash");
            assertThat(detect(exec("E"), shellConnects).alerts()).isEmpty();
        }

        @ParameterizedTest(name = "{0} -> alerts: {1}")
        @CsvSource({
            "172.32.0.1, true",
            "172.31.255.255, false",
            "100.128.0.1, true",
            "::ffff:10.0.0.1, false",
            "fe80::1%eth0, false",
            "2001:4860:4860::8888, true",
        })
        void example9_destinationExclusions(String destination, boolean alerts) {
            Result result = detect(exec("E"), connect("N").at(100).destination(destination));
            assertThat(result.alerts()).hasSize(alerts ? 1 : 0);
            assertThat(result.invalidDestination()).isZero();
        }

        @Test
        void example10_theNameAllowlistIsCaseSensitiveAndMissingDoesNotExclude() {
            assertThat(detect(exec("E"), connect("N").at(100).set("process.name", "SSH")).alerts())
                    .containsExactly(E_N);
            assertThat(detect(exec("E"), connect("N").at(100).set("process.name", "ssh")).alerts())
                    .isEmpty();
            assertThat(detect(exec("E"), connect("N").at(100).remove("process.name")).alerts())
                    .containsExactly(E_N);
        }

        @Test
        void example11_anUnparsableDestinationIsCountedNotAlerted() {
            Result result = detect(exec("E"), connect("N").at(100).destination("not-an-ip"));
            assertThat(result.alerts()).isEmpty();
            assertThat(result.invalidDestination()).isEqualTo(1);
            assertThat(result.malformed()).isZero();
        }

        @Test
        void example12_theChildOnAnotherHostDoesNotJoin() {
            assertThat(detect(exec("E"), connect("N").at(100).host("h2")).alerts()).isEmpty();
        }
    }

    /** Decision 1: what makes a line malformed, and what does not. */
    @Nested
    class MalformedLines {

        private static final String GOOD_TS = "\"@timestamp\":\"2025-06-01T12:00:00Z\"";

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "not json at all",
                    "{\"@timestamp\":\"2025-06-01T12:00:00Z\",\"event\":{\"id\":\"a\"",
                    "{\"@timestamp\":\"2025-06-01T12:00:00Z\"} trailing",
                    "{\"@timestamp\":\"2025-06-01T12:00:00Z\"}{\"@timestamp\":\"2025-06-01T12:00:00Z\"}",
                    "",
                    "   ",
                    "[{\"@timestamp\":\"2025-06-01T12:00:00Z\"}]",
                    "\"a string\"",
                    "42",
                    "null",
                    "true",
                    "{}",
                    "{\"@timestamp\":null}",
                    "{\"@timestamp\":1748779200000}",
                    "{\"@timestamp\":[\"2025-06-01T12:00:00Z\"]}",
                    "{\"@timestamp\":\"yesterday\"}",
                    "{\"@timestamp\":\"2025-06-01T12:00:00Z\",\"@timestamp\":\"2025-06-01T12:00:00Z\"}",
                    "{\"@timestamp\":\"2025-06-01T12:00:00Z\",\"host\":{\"id\":\"a\",\"id\":\"b\"}}",
                    "{\"@timestamp\":\"2025-06-01T12:00:00Z\",'event':{}}",
                    "{\"@timestamp\":\"2025-06-01T12:00:00Z\",\"n\":01}",
                })
        void syntaxAndShapeErrorsAreMalformed(String line) {
            Result result = detectText(line);
            assertThat(result.malformed()).isEqualTo(1);
            assertThat(result.read()).isEqualTo(1);
        }

        @Test
        void aByteOrderMarkIsNotJson() {
            byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
            byte[] json = exec("E").bytes();
            byte[] line = new byte[bom.length + json.length];
            System.arraycopy(bom, 0, line, 0, bom.length);
            System.arraycopy(json, 0, line, bom.length, json.length);
            assertThat(detectBytes(List.of(line), BOUND, Exclusions.defaults()).malformed())
                    .isEqualTo(1);
        }

        @Test
        void surroundingJsonWhitespaceIsFineSoCrlfLinesParse() {
            Result result = detectText(" \t" + exec("E") + "\r", connect("N").at(100) + "\r");
            assertThat(result.malformed()).isZero();
            assertThat(result.alerts()).containsExactly(E_N);
        }

        @Test
        void invalidUtf8IsMalformed() {
            byte[] prefix =
                    ("{" + GOOD_TS + ",\"process\":{\"name\":\"cu")
                            .getBytes(StandardCharsets.UTF_8);
            byte[] suffix = "rl\"}}".getBytes(StandardCharsets.UTF_8);
            for (byte[] bad :
                    List.of(
                            new byte[] {(byte) 0xC3, 0x28},
                            new byte[] {(byte) 0xFF},
                            new byte[] {(byte) 0xC0, (byte) 0xAF},
                            new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})) {
                byte[] line = new byte[prefix.length + bad.length + suffix.length];
                System.arraycopy(prefix, 0, line, 0, prefix.length);
                System.arraycopy(bad, 0, line, prefix.length, bad.length);
                System.arraycopy(suffix, 0, line, prefix.length + bad.length, suffix.length);
                assertThat(detectBytes(List.of(line), BOUND, Exclusions.defaults()).malformed())
                        .isEqualTo(1);
            }
        }

        @ParameterizedTest
        @CsvSource(
                delimiter = '|',
                value = {
                    "event.action | 5",
                    "event.action | true",
                    "event.action | {\"x\":1}",
                    "event.category | [\"process\", 1]",
                    "event.category | [\"process\", [\"network\"]]",
                    "event.type | [{\"a\":\"start\"}]",
                    "event.id | 7",
                    "host.os.type | false",
                    "host.id | {\"x\":1}",
                    "process.entity_id | 1.5",
                    "process.parent.entity_id | [[\"X\"]]",
                    "process.parent.executable | {}",
                    "process.executable | 0",
                    "process.name | [true]",
                })
        void aWrongTypeInAFieldTheRuleReadsIsMalformed(String path, String json) {
            Builder line = exec("E").setJson(path, json);
            assertThat(detect(line).malformed()).as(line.toString()).isEqualTo(1);
        }

        @Test
        void wrongTypesMakeEvenIrrelevantEventsMalformed() {
            assertThat(detect(unrelated("W").set("event.action", 5)).malformed()).isEqualTo(1);
            assertThat(detect(unrelated("W").setJson("host.id", "{\"x\":1}")).malformed())
                    .isEqualTo(1);
        }

        @Test
        void wrongTypesElsewhereAreNotChecked() {
            Result result =
                    detect(
                            exec("E")
                                    .set("process.pid", "not-a-number")
                                    .setJson("user", "[1, {\"a\":2}]")
                                    .setJson("process.args", "[1, true]"),
                            connect("N").at(100));
            assertThat(result.malformed()).isZero();
            assertThat(result.alerts()).containsExactly(E_N);
        }

        @Test
        void nullsAndEmptyArraysMeanMissingNotMalformed() {
            Result result =
                    detect(
                            exec("E")
                                    .setJson("process.name", "null")
                                    .setJson("event.id", "[\"E\", null]"),
                            connect("N")
                                    .at(100)
                                    .setJson("process.name", "[]")
                                    .setJson("process.executable", "[null]"));
            assertThat(result.malformed()).isZero();
            assertThat(result.alerts()).containsExactly(E_N);
        }

        @Test
        void aMalformedLineIsCountedAndIgnored() {
            Result result =
                    detectText(
                            exec("E").toString(), "garbage", connect("N").at(100).toString(), "");
            assertThat(result.read()).isEqualTo(4);
            assertThat(result.malformed()).isEqualTo(2);
            assertThat(result.alerts()).containsExactly(E_N);
        }

        @Test
        void aWrongTypedDestinationIsNotMalformedButInvalid() {
            Result result =
                    detect(exec("E"), connect("N").at(100).setJson("destination.ip", "{\"x\":1}"));
            assertThat(result.malformed()).isZero();
            assertThat(result.invalidDestination()).isEqualTo(1);
            assertThat(result.alerts()).isEmpty();
        }
    }

    /** Decision 2: nested objects and dotted keys name the same field; repeated paths combine. */
    @Nested
    class FieldPaths {

        private static final String EXEC_NESTED =
                """
                {"@timestamp":"2025-06-01T12:00:00Z","event":{"id":"E","category":["process"],"type":["start"],\
                "action":"exec"},"host":{"id":"h1","os":{"type":"linux"}},"process":{"entity_id":"X",\
                "parent":{"executable":"/usr/sbin/sshd"}}}\
                """;

        @ParameterizedTest
        @ValueSource(
                strings = {
                    """
                    {"@timestamp":"2025-06-01T12:00:00.100Z","event":{"id":"N","category":"network","type":"start",\
                    "action":"connection_attempted"},"host":{"id":"h1","os":{"type":"linux"}},\
                    "process":{"parent":{"entity_id":"X"}},"destination":{"ip":"8.8.8.8"}}\
                    """,
                    """
                    {"@timestamp":"2025-06-01T12:00:00.100Z","event.id":"N","event.category":"network",\
                    "event.type":"start","event.action":"connection_attempted","host.id":"h1","host.os.type":"linux",\
                    "process.parent.entity_id":"X","destination.ip":"8.8.8.8"}\
                    """,
                    """
                    {"@timestamp":"2025-06-01T12:00:00.100Z","event":{"id":"N","category":"network","type":"start",\
                    "action":"connection_attempted"},"host":{"id":"h1","os.type":"linux"},\
                    "process":{"parent.entity_id":"X"},"destination":{"ip":"8.8.8.8"}}\
                    """,
                    """
                    {"@timestamp":"2025-06-01T12:00:00.100Z","event":{"id":"N"},"event.category":["network"],\
                    "event.type":["start"],"event.action":"connection_attempted","host":{"os":{"type":"linux"}},\
                    "host.id":"h1","process.parent":{"entity_id":"X"},"destination.ip":["8.8.8.8"]}\
                    """,
                })
        void nestedAndDottedSpellingsAreTheSameField(String network) {
            assertThat(detectText(EXEC_NESTED, network).alerts()).containsExactly(E_N);
        }

        @Test
        void aPathGivenTwiceIsMultiValuedSoItNoLongerJoinsEvenWithEqualValues() {
            Builder twice = connect("N").at(100).set("process.parent.entity_id", "X");
            String line =
                    twice.toString().replaceFirst("^\\{", "{\"process.parent.entity_id\":\"X\",");
            Result result = detectText(exec("E").toString(), line);
            assertThat(result.malformed()).isZero();
            assertThat(result.alerts()).isEmpty();
        }

        @Test
        void repeatedPathsCombineForPredicates() {
            // event.category "network" only appears through the dotted key; the nested one says
            // "process".
            String line =
                    connect("N")
                            .at(100)
                            .set("event.category", "process")
                            .toString()
                            .replaceFirst("^\\{", "{\"event.category\":[\"network\"],");
            assertThat(detectText(exec("E").toString(), line).alerts()).containsExactly(E_N);
        }

        @Test
        void anAllowlistedNameUnderAnotherSpellingStillExcludes() {
            String line =
                    connect("N")
                            .at(100)
                            .toString()
                            .replaceFirst("^\\{", "{\"process.name\":\"ssh\",");
            assertThat(detectText(exec("E").toString(), line).alerts()).isEmpty();
        }

        @Test
        void arraysOfObjectsAreNotDescendedInto() {
            // Documented choice: only objects build paths. Were the array descended into,
            // process.parent.entity_id
            // would be ["Y", "X"] and would no longer join.
            String line =
                    connect("N")
                            .at(100)
                            .toString()
                            .replaceFirst("^\\{", "{\"process.parent\":[{\"entity_id\":\"Y\"}],");
            assertThat(detectText(exec("E").toString(), line).alerts()).containsExactly(E_N);
        }
    }

    /** Decision 3: the @timestamp grammar and millisecond truncation. */
    @Nested
    class Timestamps {

        @ParameterizedTest
        @CsvSource({
            "2025-06-01T12:00:00Z, 1748779200000",
            "2025-06-01T12:00:00.000Z, 1748779200000",
            "2025-06-01T12:00:00.9999Z, 1748779200999",
            "2025-06-01T12:00:00.123456789Z, 1748779200123",
            "2025-06-01T12:00:00.1Z, 1748779200100",
            "2025-06-01T14:00:00+02:00, 1748779200000",
            "2025-06-01T14:00:00+0200, 1748779200000",
            "2025-06-01T14:00:00+02, 1748779200000",
            "2025-06-01T11:30:00-00:30, 1748779200000",
            "2025-06-01T12:00:00, 1748779200000",
            "2025-06-01T12:00, 1748779200000",
            "2025-06-01T12:00Z, 1748779200000",
            "2025-06-01, 1748736000000",
            "1969-12-31T23:59:59.9995Z, -1",
            "2024-02-29T00:00:00Z, 1709164800000",
        })
        void acceptedForms(String text, long millis) {
            assertThat(ReferenceTimestamp.parseMillis(text)).hasValue(millis);
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "yesterday",
                    "",
                    "2025-06-01T12",
                    "2025-06-01T12Z",
                    "2025-06-01 12:00:00Z",
                    "2025-06-01T12:00:00z",
                    "2025-06-01T12:00:00.Z",
                    "2025-06-01T12:00:00.1234567890Z",
                    "2025-02-30T00:00:00Z",
                    "2025-06-01T24:00:00Z",
                    "2025-06-01T12:60:00Z",
                    "2025-06-01T12:00:60Z",
                    "2025-06-01T12:00:00+19:00",
                    "2025-06-01T12:00:00+02:60",
                    "2025-06-01Z",
                    "25-06-01",
                    "+2025-06-01",
                    "2025-6-1",
                    "2025-06-01T12:00:00Z ",
                    " 2025-06-01",
                    "2025-06-01T12:00:00+2",
                    "1748779200000",
                    "２０２５-06-01",
                })
        void rejectedForms(String text) {
            assertThat(ReferenceTimestamp.parseMillis(text)).isEmpty();
        }

        @Test
        void offsetsAreComparedAsInstants() {
            // The exec is stamped in +02:00, the connection in UTC, 500 ms later.
            Result result =
                    detect(
                            exec("E").set("@timestamp", "2026-01-05T12:00:00.000+02:00"),
                            connect("N").set("@timestamp", "2026-01-05T10:00:00.500Z"));
            assertThat(result.alerts()).containsExactly(E_N);
        }

        @Test
        void truncationDecidesTheInclusiveBound() {
            // 1000.9 ms truncates to 1000 (alert); 1001.0 does not.
            assertThat(
                            detect(
                                            exec("E"),
                                            connect("N")
                                                    .set("@timestamp", "2026-01-05T10:00:01.0009Z"))
                                    .alerts())
                    .containsExactly(E_N);
            assertThat(
                            detect(
                                            exec("E")
                                                    .set("@timestamp", "2026-01-05T09:59:59.9999Z"),
                                            connect("N")
                                                    .set("@timestamp", "2026-01-05T10:00:01.000Z"))
                                    .alerts())
                    .isEmpty();
        }
    }

    /** Decision 4: exact, case-sensitive, any-element predicates. */
    @Nested
    class Predicates {

        @ParameterizedTest(name = "exec with {0} = {1}")
        @CsvSource(
                delimiter = '|',
                value = {
                    "host.os.type | \"Linux\"",
                    "host.os.type | \"LINUX\"",
                    "host.os.type | \"macos\"",
                    "process.parent.executable | \"/USR/SBIN/SSHD\"",
                    "process.parent.executable | \"/usr/sbin/sshd \"",
                    "process.parent.executable | \"/usr/lib/openssh/sshd-session\"",
                    "event.action | \"EXEC\"",
                    "event.action | \"fork\"",
                    "event.type | [\"info\"]",
                    "event.category | [\"network\"]",
                })
        void execThatFailsStageOne(String path, String json) {
            assertThat(detect(exec("E").setJson(path, json), connect("N").at(100)).alerts())
                    .isEmpty();
        }

        @ParameterizedTest(name = "connection with {0} = {1}")
        @CsvSource(
                delimiter = '|',
                value = {
                    "host.os.type | \"Linux\"",
                    "event.action | \"connection_accepted\"",
                    "event.action | \"Connection_attempted\"",
                    "event.type | [\"end\"]",
                    "event.category | [\"process\"]",
                })
        void connectionThatFailsStageTwo(String path, String json) {
            assertThat(detect(exec("E"), connect("N").at(100).setJson(path, json)).alerts())
                    .isEmpty();
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "host.os.type",
                    "event.action",
                    "event.type",
                    "event.category",
                    "process.parent.executable"
                })
        void aMissingFieldFailsAPositiveTest(String path) {
            assertThat(detect(exec("E").remove(path), connect("N").at(100)).alerts()).isEmpty();
        }

        @Test
        void anyElementOfAMultiValuedFieldCounts() {
            Result result =
                    detect(
                            exec("E")
                                    .setJson("event.type", "[\"info\", \"start\"]")
                                    .setJson("event.category", "[\"process\", \"file\"]")
                                    .setJson("host.os.type", "[\"Linux\", \"linux\"]"),
                            connect("N")
                                    .at(100)
                                    .setJson("event.action", "[\"connection_attempted\", \"x\"]"));
            assertThat(result.alerts()).containsExactly(E_N);
        }

        @ParameterizedTest(name = "{0} = {1} excluded: {2}")
        @CsvSource(
                delimiter = '|',
                value = {
                    "process.name | \"login_duo\" | true",
                    "process.name | \"sshd\" | true",
                    "process.name | \"sshd-session\" | true",
                    "process.name | [\"curl\", \"ssh\"] | true",
                    "process.name | \"Ssh\" | false",
                    "process.name | \"ssh \" | false",
                    "process.executable | \"/bin/yum\" | true",
                    "process.executable | \"/usr/bin/yum\" | true",
                    "process.executable | [\"/usr/bin/curl\", \"/usr/bin/yum\"] | true",
                    "process.executable | \"/usr/local/bin/yum\" | false",
                    "process.executable | \"/BIN/YUM\" | false",
                    "process.executable | null | false",
                })
        void allowlists(String path, String json, boolean excluded) {
            Result result = detect(exec("E"), connect("N").at(100).setJson(path, json));
            assertThat(result.alerts()).hasSize(excluded ? 0 : 1);
        }

        @Test
        void anAllowlistedConnectionDoesNotConsumeTheExec() {
            assertThat(
                            detect(
                                            exec("E"),
                                            connect("N1").at(100).set("process.name", "ssh"),
                                            connect("N").at(200))
                                    .alerts())
                    .containsExactly(E_N);
        }

        @Test
        void replacedListsAreUsed() {
            Exclusions custom =
                    new Exclusions(List.of("8.8.8.0/24"), List.of("/usr/bin/wget"), List.of("nc"));
            List<byte[]> lines =
                    List.of(
                            exec("E").bytes(),
                            connect("N1").at(100).bytes(),
                            connect("N2")
                                    .at(200)
                                    .set("process.name", "nc")
                                    .destination("1.1.1.1")
                                    .bytes(),
                            connect("N3").at(300).destination("10.0.0.1").bytes());
            assertThat(detectBytes(lines, BOUND, custom).alerts())
                    .containsExactly(new AlertPair("E", "N3"));
        }
    }

    /** Decision 5: join keys. */
    @Nested
    class JoinKeys {

        @Test
        void aOneElementArrayIsThatValue() {
            assertThat(
                            detect(
                                            exec("E")
                                                    .setJson("process.entity_id", "[\"X\"]")
                                                    .setJson("host.id", "[\"h1\"]"),
                                            connect("N")
                                                    .at(100)
                                                    .setJson(
                                                            "process.parent.entity_id",
                                                            "[\"X\", null]"))
                                    .alerts())
                    .containsExactly(E_N);
        }

        @Test
        void moreThanOneElementNeverJoins() {
            assertThat(
                            detect(
                                            exec("E")
                                                    .setJson("process.entity_id", "[\"X\", \"Y\"]"),
                                            connect("N").at(100))
                                    .alerts())
                    .isEmpty();
            assertThat(
                            detect(
                                            exec("E"),
                                            connect("N")
                                                    .at(100)
                                                    .setJson(
                                                            "process.parent.entity_id",
                                                            "[\"X\", \"X\"]"))
                                    .alerts())
                    .isEmpty();
            assertThat(
                            detect(
                                            exec("E").setJson("host.id", "[\"h1\", \"h1\"]"),
                                            connect("N").at(100))
                                    .alerts())
                    .isEmpty();
        }

        @Test
        void missingOrNullKeysNeverJoinAndNullDoesNotEqualNull() {
            assertThat(
                            detect(
                                            exec("E").remove("host.id"),
                                            connect("N").at(100).remove("host.id"))
                                    .alerts())
                    .isEmpty();
            assertThat(
                            detect(
                                            exec("E").setJson("process.entity_id", "null"),
                                            connect("N")
                                                    .at(100)
                                                    .setJson("process.parent.entity_id", "null"))
                                    .alerts())
                    .isEmpty();
            assertThat(
                            detect(
                                            exec("E"),
                                            connect("N").at(100).remove("process.parent.entity_id"))
                                    .alerts())
                    .isEmpty();
        }

        @Test
        void theEmptyStringIsAnOrdinaryValue() {
            assertThat(
                            detect(
                                            exec("E")
                                                    .set("process.entity_id", "")
                                                    .set("host.id", ""),
                                            connect("N")
                                                    .at(100)
                                                    .set("process.parent.entity_id", "")
                                                    .set("host.id", ""))
                                    .alerts())
                    .containsExactly(E_N);
        }

        @Test
        void keysAreCaseSensitive() {
            assertThat(
                            detect(
                                            exec("E"),
                                            connect("N")
                                                    .at(100)
                                                    .set("process.parent.entity_id", "x"))
                                    .alerts())
                    .isEmpty();
        }
    }

    /** Decision 6: destination.ip. */
    @Nested
    class Destinations {

        @ParameterizedTest(name = "{0} -> alerts: {1}")
        @CsvSource(
                delimiter = '|',
                value = {
                    "\"0.0.0.0\" | false",
                    "\"0.0.0.1\" | true",
                    "\"9.255.255.255\" | true",
                    "\"10.0.0.0\" | false",
                    "\"10.255.255.255\" | false",
                    "\"11.0.0.0\" | true",
                    "\"100.63.255.255\" | true",
                    "\"100.64.0.0\" | false",
                    "\"100.127.255.255\" | false",
                    "\"127.0.0.1\" | false",
                    "\"169.254.169.254\" | false",
                    "\"172.15.255.255\" | true",
                    "\"172.16.0.0\" | false",
                    "\"172.31.255.255\" | false",
                    "\"192.0.0.255\" | false",
                    "\"192.0.1.0\" | true",
                    "\"192.0.2.1\" | false",
                    "\"192.88.99.255\" | false",
                    "\"192.167.255.255\" | true",
                    "\"198.17.255.255\" | true",
                    "\"198.19.255.255\" | false",
                    "\"198.20.0.0\" | true",
                    "\"223.255.255.255\" | true",
                    "\"224.0.0.0\" | false",
                    "\"255.255.255.255\" | false",
                    "\"::1\" | false",
                    "\"::2\" | true",
                    "\"::\" | true",
                    "\"::10.0.0.1\" | true",
                    "\"::ffff:10.0.0.1\" | false",
                    "\"::FFFF:0a00:0001\" | false",
                    "\"::ffff:8.8.8.8\" | true",
                    "\"0:0:0:0:0:ffff:127.0.0.1\" | false",
                    "\"fe80::1%eth0\" | false",
                    "\"FE80::1\" | false",
                    "\"febf:ffff::1\" | false",
                    "\"fec0::1\" | true",
                    "\"fe7f::1\" | true",
                    "\"ff02::1\" | false",
                    "\"2001:4860:4860::8888\" | true",
                    "\"2001:4860:4860::8888%25\" | true",
                    "[\"8.8.8.8\"] | true",
                    "[\"8.8.8.8\", null] | true",
                    "[\"8.8.8.8\", \"10.0.0.1\"] | false",
                    "[\"8.8.8.8\", \"1.1.1.1\"] | true",
                    "null | false",
                    "[] | false",
                    "[null] | false",
                })
        void exclusions(String json, boolean alerts) {
            Result result = detect(exec("E"), connect("N").at(100).setJson("destination.ip", json));
            assertThat(result.alerts()).hasSize(alerts ? 1 : 0);
            assertThat(result.invalidDestination()).isZero();
        }

        @Test
        void aMissingDestinationNeverAlerts() {
            Result result = detect(exec("E"), connect("N").at(100).remove("destination.ip"));
            assertThat(result.alerts()).isEmpty();
            assertThat(result.invalidDestination()).isZero();
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(
                strings = {
                    "\"\"",
                    "\"not-an-ip\"",
                    "\"010.0.0.1\"",
                    "\" 8.8.8.8\"",
                    "\"8.8.8.8 \"",
                    "\"8.8.8\"",
                    "\"8.8.8.8.8\"",
                    "\"256.1.1.1\"",
                    "\"8.8.8.8%eth0\"",
                    "\"fe80::1%\"",
                    "\"1::2::3\"",
                    "\"1:2:3:4:5:6:7:8:9\"",
                    "\"1:2:3:4:5:6:7\"",
                    "\"12345::1\"",
                    "\"::ffff:010.0.0.1\"",
                    "\"1.2.3.4::\"",
                    "\"dns.google\"",
                    "\"[::1]\"",
                    "\"8.8.8.8/32\"",
                    "8",
                    "true",
                    "{\"x\":1}",
                    "[\"8.8.8.8\", 5]",
                    "[[\"8.8.8.8\"]]",
                    "[\"8.8.8.8\", \"nope\"]",
                    "[\"10.0.0.1\", \"nope\"]",
                    "\"٨.٨.٨.٨\"",
                })
        void invalidDestinationsAreCountedAndNeverAlert(String json) {
            Result result = detect(exec("E"), connect("N").at(100).setJson("destination.ip", json));
            assertThat(result.alerts()).isEmpty();
            assertThat(result.invalidDestination()).isEqualTo(1);
            assertThat(result.malformed()).isZero();
        }

        @Test
        void anInvalidDestinationTouchesNothing() {
            assertThat(
                            detect(
                                            exec("E"),
                                            connect("N1").at(100).destination("nope"),
                                            connect("N").at(200))
                                    .alerts())
                    .containsExactly(E_N);
        }

        @Test
        void invalidDestinationsCountOnlyOnStageTwoShapedEvents() {
            Result result =
                    detect(
                            connect("A")
                                    .setJson("event.action", "\"connection_accepted\"")
                                    .destination("nope"),
                            connect("W").set("host.os.type", "windows").destination("nope"),
                            unrelated("U").destination("nope"),
                            connect("S").set("process.name", "ssh").destination("nope"),
                            connect("K").remove("process.parent.entity_id").destination("nope"));
            // Allowlist and join key do not matter: the destination test comes first.
            assertThat(result.invalidDestination()).isEqualTo(2);
        }
    }

    /** Decision 7: lateness against the running maximum of earlier non-malformed lines. */
    @Nested
    class Lateness {

        private static final long LATE_BOUND = 2_000;

        @Test
        void exactlyAtMaxMinusBoundIsOnTimeAndOneMoreMillisecondIsLate() {
            // M = 10_000. The exec at M - bound pairs; at M - bound - 1 it is late.
            Result onTime =
                    detectWithBound(
                            LATE_BOUND,
                            unrelated("U").at(10_000),
                            exec("E").at(8_000),
                            connect("N").at(8_500));
            assertThat(onTime.late()).isZero();
            assertThat(onTime.alerts()).containsExactly(E_N);

            Result late =
                    detectWithBound(
                            LATE_BOUND,
                            unrelated("U").at(10_000),
                            exec("E").at(7_999),
                            connect("N").at(8_500));
            assertThat(late.late()).isEqualTo(1);
            assertThat(late.alerts()).isEmpty();
            // The late line is reported with the newest time it was judged against.
            assertThat(late.lateLines())
                    .containsExactly(new LateLine(1, "E", "h1", at(7_999), at(10_000)));
            assertThat(late.lateByHost()).containsExactly(Map.entry("h1", 1L));
        }

        @Test
        void aLateConnectionNeitherAlertsNorConsumes() {
            Result result =
                    detectWithBound(
                            LATE_BOUND,
                            exec("E").at(8_000),
                            unrelated("U").at(10_400),
                            connect("N1").at(8_399),
                            connect("N").at(8_400));
            assertThat(result.late()).isEqualTo(1);
            assertThat(result.alerts()).containsExactly(E_N);
        }

        @Test
        void aLateExecDoesNotReplaceThePendingOne() {
            // On time, E2 (newer than E) would replace it; late, it takes no part.
            Result result =
                    detectWithBound(
                            LATE_BOUND,
                            exec("E").at(8_000),
                            unrelated("U").at(10_100),
                            exec("E2").at(8_050),
                            connect("N").at(8_600));
            assertThat(result.late()).isEqualTo(1);
            assertThat(result.alerts()).containsExactly(E_N);
        }

        @Test
        void malformedLinesDoNotMoveTheMaximum() {
            Builder future =
                    unrelated("U").at(60_000).set("event.action", 5); // wrong type: malformed
            Result result = detectWithBound(LATE_BOUND, exec("E"), future, connect("N").at(500));
            assertThat(result.malformed()).isEqualTo(1);
            assertThat(result.late()).isZero();
            assertThat(result.alerts()).containsExactly(E_N);
        }

        @Test
        void anyEventMovesTheMaximum() {
            Result result =
                    detectWithBound(
                            LATE_BOUND, unrelated("U").at(5_000), exec("E"), connect("N").at(500));
            assertThat(result.late()).isEqualTo(2);
            assertThat(result.alerts()).isEmpty();
        }

        @Test
        void aZeroBoundMakesEveryStepBackLateButEqualTimestampsAreFine() {
            Result result =
                    detectWithBound(
                            0, exec("E").at(100), connect("N").at(100), connect("N2").at(99));
            assertThat(result.late()).isEqualTo(1);
            assertThat(result.alerts()).containsExactly(E_N);
        }
    }

    /**
     * "Time is per host": in PER_HOST mode a line is late only against the newest time of its own
     * {@code host.id}. The examples mirror issue 7: a host lagging, a host ahead, a clock stepping
     * back, and disorder at the bound.
     */
    @Nested
    class PerHostLateness {

        private static final long B = 5_000;
        private static final long TEN_MINUTES = 600_000;
        private static final long ONE_HOUR = 3_600_000;

        /**
         * Busy noise on a host, one irrelevant event every {@code stepMs} from 0 to {@code toMs}.
         */
        private static List<TimedLine> noise(String host, long clockMs, long toMs, long stepMs) {
            List<TimedLine> lines = new ArrayList<>();
            for (long t = 0; t <= toMs; t += stepMs) {
                lines.add(new TimedLine(t, unrelated(host + "-u" + t).host(host).at(t + clockMs)));
            }
            return lines;
        }

        /** An exec and its child's connection 500 ms later, at true time t on the host's clock. */
        private static List<TimedLine> attack(String host, long clockMs, long t, String name) {
            String shell = "S-" + name;
            return List.of(
                    new TimedLine(
                            t,
                            exec("E-" + name)
                                    .host(host)
                                    .set("process.entity_id", shell)
                                    .at(t + clockMs)),
                    new TimedLine(
                            t + 500,
                            connect("N-" + name)
                                    .host(host)
                                    .set("process.parent.entity_id", shell)
                                    .at(t + 500 + clockMs)));
        }

        private static AlertPair pair(String name) {
            return new AlertPair("E-" + name, "N-" + name);
        }

        /** Lines delivered in true-time order (stable), whatever the hosts' clocks say. */
        @SafeVarargs
        private static List<byte[]> byTrueTime(List<TimedLine>... parts) {
            List<TimedLine> all = new ArrayList<>();
            for (List<TimedLine> part : parts) {
                all.addAll(part);
            }
            all.sort(Comparator.comparingLong(TimedLine::trueMs));
            return all.stream().map(l -> l.line().bytes()).toList();
        }

        private static Result perHost(long bound, List<byte[]> lines) {
            return ReferenceDetector.detect(
                    lines, bound, Exclusions.defaults(), ReferenceDetector.Lateness.PER_HOST);
        }

        private static Result global(long bound, List<byte[]> lines) {
            return ReferenceDetector.detect(
                    lines, bound, Exclusions.defaults(), ReferenceDetector.Lateness.GLOBAL);
        }

        @Test
        void aHostLaggingTenMinutesIsAllLateGloballyAndNeverPerHost() {
            List<TimedLine> lagging = new ArrayList<>(noise("h1", -TEN_MINUTES, 60_000, 1_000));
            lagging.addAll(attack("h1", -TEN_MINUTES, 20_000, "lag"));
            List<byte[]> lines =
                    byTrueTime(noise("h2", 0, 60_000, 700), attack("h2", 0, 30_000, "ok"), lagging);
            // The first line is h2's (stable sort: h2's noise comes first at true time 0), so
            // every line of h1 trails h2's time by ten minutes.
            Result global = global(B, lines);
            assertThat(global.late()).isEqualTo(lagging.size());
            assertThat(global.lateByHost()).containsExactly(Map.entry("h1", (long) lagging.size()));
            assertThat(global.alerts()).containsExactly(pair("ok"));

            Result perHost = perHost(B, lines);
            assertThat(perHost.late()).isZero();
            assertThat(perHost.lateByHost()).isEmpty();
            assertThat(perHost.alerts()).containsExactly(pair("lag"), pair("ok"));
        }

        @Test
        void aHostAnHourAheadMakesOthersLateGloballyAndNothingPerHost() {
            List<TimedLine> normal = new ArrayList<>(noise("h1", 0, 60_000, 1_000));
            normal.addAll(attack("h1", 0, 20_000, "normal"));
            List<TimedLine> ahead = new ArrayList<>(noise("h9", ONE_HOUR, 60_000, 5_000));
            ahead.addAll(attack("h9", ONE_HOUR, 40_000, "ahead"));
            // h9's first line arrives first; from then on every h1 line trails by an hour.
            List<byte[]> lines = byTrueTime(ahead, normal);

            Result global = global(B, lines);
            assertThat(global.late()).isEqualTo(normal.size());
            assertThat(global.lateByHost()).containsExactly(Map.entry("h1", (long) normal.size()));
            assertThat(global.lateLines())
                    .allSatisfy(
                            l ->
                                    assertThat(l.maxTimestampMs())
                                            .isGreaterThanOrEqualTo(at(ONE_HOUR)));
            assertThat(global.alerts()).containsExactly(pair("ahead"));

            Result perHost = perHost(B, lines);
            assertThat(perHost.late()).isZero();
            assertThat(perHost.alerts()).containsExactly(pair("normal"), pair("ahead"));
        }

        @Test
        void aClockSteppingBackTenMinutesIsLateForThatHostUntilItCatchesUp() {
            long step = 300_000; // true time of the step; h1's clock reads t - 10 min from then
            long end = 1_200_000;
            List<TimedLine> stepping = new ArrayList<>();
            for (long t = 0; t <= end; t += 1_000) {
                long clock = t < step ? 0 : -TEN_MINUTES;
                stepping.add(new TimedLine(t, unrelated("h1-u" + t).host("h1").at(t + clock)));
            }
            stepping.addAll(attack("h1", 0, 100_500, "before"));
            stepping.addAll(attack("h1", -TEN_MINUTES, 400_500, "inside"));
            stepping.addAll(attack("h1", -TEN_MINUTES, 950_500, "after"));
            List<byte[]> lines =
                    byTrueTime(
                            noise("h2", 0, end, 800), attack("h2", 0, 500_000, "other"), stepping);

            // The newest time h1 sent before the step is its noise at 299_000. After the step its
            // lines read t - 600_000 and are late while t - 600_000 <= 299_000 - B - 1, i.e. for
            // t <= 893_999 (594 noise lines and the "inside" attack); late lines do not move the
            // maximum, so it stays 299_000 all along.
            long oldMax = 299_000;
            List<Long> expectedLateTrueTimes = new ArrayList<>();
            for (TimedLine line : stepping) {
                if (line.trueMs() >= step && line.trueMs() - TEN_MINUTES <= oldMax - B - 1) {
                    expectedLateTrueTimes.add(line.trueMs());
                }
            }
            Result perHost = perHost(B, lines);
            assertThat(perHost.late()).isEqualTo(expectedLateTrueTimes.size()).isEqualTo(594 + 2);
            assertThat(perHost.lateByHost()).containsExactly(Map.entry("h1", 596L));
            assertThat(perHost.lateLines())
                    .allSatisfy(
                            l -> {
                                assertThat(l.hostId()).isEqualTo("h1");
                                assertThat(l.maxTimestampMs()).isEqualTo(at(oldMax));
                            });
            assertThat(perHost.lateLines().stream().map(LateLine::timestampMs).toList())
                    .containsExactlyInAnyOrderElementsOf(
                            expectedLateTrueTimes.stream().map(t -> at(t - TEN_MINUTES)).toList());
            // Only h1's stepped window is lost: its attacks before and after it, and h2's, alert.
            assertThat(perHost.alerts())
                    .containsExactly(pair("before"), pair("after"), pair("other"));
            // The edge: true 893_000 reads 293_000 (late), true 894_000 reads 294_000 (on time).
            assertThat(perHost.lateLines())
                    .anyMatch(l -> l.timestampMs() == at(293_000))
                    .noneMatch(l -> l.timestampMs() >= at(294_000));
        }

        @ParameterizedTest(name = "disorder {0} ms with bound {1} ms -> late: {2}")
        @CsvSource({"4999, 5000, false", "5000, 5000, false", "5001, 5000, true"})
        void perHostDisorderAtTheBound(long disorder, long bound, boolean late) {
            // h2, an hour ahead, arrives first: it must not matter. h1's own newest time is
            // 10_000; its exec then arrives `disorder` ms behind it.
            List<byte[]> lines =
                    Stream.of(
                                    unrelated("far").host("h2").at(ONE_HOUR),
                                    unrelated("U").host("h1").at(10_000),
                                    exec("E").at(10_000 - disorder),
                                    connect("N").at(10_000 - disorder + 500))
                            .map(SpecEvents.Builder::bytes)
                            .toList();
            Result result = perHost(bound, lines);
            assertThat(result.late()).isEqualTo(late ? 1 : 0);
            assertThat(result.alerts()).isEqualTo(late ? List.of() : List.of(E_N));
            if (late) {
                assertThat(result.lateLines())
                        .containsExactly(
                                new LateLine(2, "E", "h1", at(10_000 - disorder), at(10_000)));
            }
        }

        @Test
        void linesWithoutASingleHostAreNeverLateAndMoveNoMaximum() {
            List<byte[]> lines =
                    Stream.of(
                                    unrelated("none-ahead").remove("host.id").at(ONE_HOUR),
                                    unrelated("null-ahead").setJson("host.id", "null").at(ONE_HOUR),
                                    unrelated("two-ahead")
                                            .setJson("host.id", "[\"h1\", \"h1\"]")
                                            .at(ONE_HOUR),
                                    exec("E"),
                                    connect("N").at(500),
                                    unrelated("none-behind").remove("host.id").at(-ONE_HOUR),
                                    unrelated("empty-behind")
                                            .setJson("host.id", "[]")
                                            .at(-ONE_HOUR))
                            .map(SpecEvents.Builder::bytes)
                            .toList();
            Result result = perHost(B, lines);
            assertThat(result.late()).isZero();
            assertThat(result.alerts()).containsExactly(E_N);
            // Globally the first line's hour makes h1's exec and connection late, and the last
            // two lines too.
            assertThat(global(B, lines).late()).isEqualTo(4);
            assertThat(global(B, lines).lateByHost()).containsExactly(Map.entry("h1", 2L));
        }

        @Test
        void aOneElementHostArrayAndTheEmptyStringAreHosts() {
            List<byte[]> lines =
                    Stream.of(
                                    unrelated("U").setJson("host.id", "[\"h1\", null]").at(10_000),
                                    exec("E"),
                                    unrelated("V").host("").at(10_000),
                                    unrelated("W").host("").at(0))
                            .map(SpecEvents.Builder::bytes)
                            .toList();
            Result result = perHost(B, lines);
            assertThat(result.lateLines().stream().map(LateLine::eventId).toList())
                    .containsExactly("E", "W");
            assertThat(result.lateByHost()).containsOnly(Map.entry("h1", 1L), Map.entry("", 1L));
        }

        @Test
        void invalidDestinationLinesMoveTheirHostsMaximumButMalformedOnesDoNot() {
            SpecEvents.Builder malformed =
                    unrelated("M").host("h1").at(60_000).set("event.action", 5);
            SpecEvents.Builder invalid = connect("I").at(20_000).destination("not-an-ip");
            Result result =
                    detectBytes(
                            Stream.of(malformed, exec("E"), invalid, connect("N").at(500))
                                    .map(SpecEvents.Builder::bytes)
                                    .toList(),
                            B,
                            Exclusions.defaults(),
                            ReferenceDetector.Lateness.PER_HOST);
            assertThat(result.malformed()).isEqualTo(1);
            assertThat(result.invalidDestination()).isEqualTo(1);
            assertThat(result.lateLines().stream().map(LateLine::eventId).toList())
                    .containsExactly("N");
            assertThat(result.alerts()).isEmpty();
        }

        /**
         * The property behind the mode: when each host's own lines never trail its own newest time
         * by more than B, PER_HOST lateness loses nothing, whatever the hosts' clocks and the
         * interleaving of hosts. So it raises exactly the alerts of an unlimited bound.
         */
        @ParameterizedTest(name = "seed {0}")
        @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
        void withinEachHostsBoundPerHostLatenessEqualsAnUnlimitedBound(long seed) {
            SplittableRandom rng = new SplittableRandom(seed);
            long alerts = 0;
            long globallyLate = 0;
            for (int round = 0; round < 40; round++) {
                long bound = pick(rng, 0, 1, 50, 1_000, 5_000);
                List<List<byte[]>> hosts = randomHosts(rng, bound, bound);
                List<byte[]> lines = interleave(rng, hosts);
                Result perHost = perHost(bound, lines);
                Result unlimited = perHost(Long.MAX_VALUE, lines);
                assertThat(perHost.late()).as("seed %d round %d", seed, round).isZero();
                assertThat(perHost.alerts())
                        .as("seed %d round %d", seed, round)
                        .isEqualTo(unlimited.alerts())
                        .isEqualTo(global(Long.MAX_VALUE, lines).alerts());
                alerts += perHost.alerts().size();
                globallyLate += global(bound, lines).late();
            }
            // Not vacuous: the inputs raise alerts, and their skewed clocks defeat a global time.
            assertThat(alerts).isGreaterThan(40);
            assertThat(globallyLate).isGreaterThan(40);
        }

        /** Whatever the disorder, a host's lines are judged as if it were alone in the input. */
        @ParameterizedTest(name = "seed {0}")
        @ValueSource(longs = {21, 22, 23, 24, 25, 26, 27, 28})
        void perHostLatenessIgnoresEveryOtherHost(long seed) {
            SplittableRandom rng = new SplittableRandom(seed);
            long late = 0;
            for (int round = 0; round < 40; round++) {
                long bound = pick(rng, 0, 50, 1_000);
                List<List<byte[]>> hosts = randomHosts(rng, bound, 3 * bound + 200);
                Result whole = perHost(bound, interleave(rng, hosts));
                Map<String, Long> lateByHost = new HashMap<>();
                List<AlertPair> alertsOneByOne = new ArrayList<>();
                for (int h = 0; h < hosts.size(); h++) {
                    Result alone = perHost(bound, hosts.get(h));
                    if (alone.late() > 0) {
                        lateByHost.put("h" + h, alone.late());
                    }
                    alertsOneByOne.addAll(alone.alerts());
                }
                assertThat(whole.lateByHost()).isEqualTo(lateByHost);
                assertThat(whole.alerts()).containsExactlyInAnyOrderElementsOf(alertsOneByOne);
                late += whole.late();
            }
            assertThat(late).isPositive();
        }

        /**
         * Up to four hosts, each with its own clock (off by up to hours), its lines in delivery
         * order: a line is delayed by up to {@code disorderMs} beyond its true time, so it never
         * trails an earlier line of its host by more than that.
         */
        private static List<List<byte[]>> randomHosts(
                SplittableRandom rng, long bound, long disorderMs) {
            int hostCount = 1 + rng.nextInt(4);
            List<List<byte[]>> hosts = new ArrayList<>();
            for (int h = 0; h < hostCount; h++) {
                String host = "h" + h;
                long clock =
                        pick(rng, 0, -TEN_MINUTES, ONE_HOUR, rng.nextLong(-7_200_000, 7_200_000));
                record Keyed(long key, long trueMs, SpecEvents.Builder line) {}
                List<Keyed> keyed = new ArrayList<>();
                long t = rng.nextLong(0, 10_000);
                int count = 5 + rng.nextInt(40);
                for (int i = 0; i < count; i++) {
                    t += rng.nextLong(0, 700);
                    String id = host + "-" + i;
                    SpecEvents.Builder line =
                            switch (rng.nextInt(4)) {
                                case 0 ->
                                        exec(id).set("process.entity_id", pick(rng, "A", "B", "C"));
                                case 1, 2 ->
                                        connect(id)
                                                .set(
                                                        "process.parent.entity_id",
                                                        pick(rng, "A", "B", "C"))
                                                .destination(
                                                        rng.nextInt(5) == 0
                                                                ? "10.0.0.1"
                                                                : "8.8.8.8");
                                default -> unrelated(id);
                            };
                    line.host(host).at(t + clock);
                    long delay = rng.nextInt(3) == 0 ? rng.nextLong(0, disorderMs + 1) : 0;
                    keyed.add(new Keyed(t + delay, t, line));
                }
                keyed.sort(Comparator.comparingLong(Keyed::key));
                hosts.add(keyed.stream().map(k -> k.line().bytes()).toList());
            }
            return hosts;
        }

        /** Any interleaving of the hosts that keeps each host's own order. */
        private static List<byte[]> interleave(SplittableRandom rng, List<List<byte[]>> hosts) {
            List<byte[]> out = new ArrayList<>();
            int[] next = new int[hosts.size()];
            int left = hosts.stream().mapToInt(List::size).sum();
            while (left > 0) {
                int h = rng.nextInt(hosts.size());
                if (next[h] < hosts.get(h).size()) {
                    out.add(hosts.get(h).get(next[h]++));
                    left--;
                }
            }
            return out;
        }

        private static String pick(SplittableRandom rng, String... options) {
            return options[rng.nextInt(options.length)];
        }

        private static long pick(SplittableRandom rng, long... options) {
            return options[rng.nextInt(options.length)];
        }

        private record TimedLine(long trueMs, SpecEvents.Builder line) {}
    }

    /** Epoch milliseconds of an offset from {@link SpecEvents#BEGINNING}. */
    private static long at(long offsetMs) {
        return SpecEvents.BEGINNING.toEpochMilli() + offsetMs;
    }

    /** Decision 8: duplicates and the shape of the result. */
    @Nested
    class Multiplicity {

        @Test
        void exactDuplicateLinesCollapse() {
            Result result =
                    detect(
                            exec("E"),
                            exec("E"),
                            connect("N").at(100),
                            exec("E"),
                            connect("N").at(100),
                            connect("N").at(100));
            assertThat(result.alerts()).containsExactly(E_N);
        }

        @Test
        void aDuplicatedCorpusGivesTheSameAlerts() {
            List<Builder> corpus =
                    List.of(
                            exec("E"),
                            connect("N").at(100),
                            exec("F").at(2_000).set("process.entity_id", "Y"),
                            connect("M").at(3_000).set("process.parent.entity_id", "Y"));
            List<Builder> doubled = new ArrayList<>();
            for (Builder line : corpus) {
                doubled.add(line);
                doubled.add(line);
            }
            Result once = detect(corpus.toArray(Builder[]::new));
            Result twice = detect(doubled.toArray(Builder[]::new));
            assertThat(twice.alerts())
                    .isEqualTo(once.alerts())
                    .containsExactly(E_N, new AlertPair("F", "M"));
        }

        @Test
        void eventsWithoutIdAreNamedByTheHashOfTheirBytes() {
            Result result = detect(exec("E").remove("event.id"), connect("N").at(100));
            assertThat(result.alerts())
                    .singleElement()
                    .satisfies(
                            pair -> {
                                assertThat(pair.execEventId())
                                        .startsWith("sha256:")
                                        .hasSize(7 + 64);
                                assertThat(pair.networkEventId()).isEqualTo("N");
                            });
        }

        @Test
        void anEventThatIsBothStagesOfOneKeyNeverPairsWithItself() {
            Builder both =
                    exec("B")
                            .at(100)
                            .setJson("event.category", "[\"process\", \"network\"]")
                            .setJson("event.action", "[\"exec\", \"connection_attempted\"]")
                            .set("process.parent.entity_id", "X")
                            .set("destination.ip", "8.8.8.8");
            // B replaces E as the pending exec of (h1, X) and then consumes itself without an
            // alert.
            assertThat(detect(exec("E"), both, connect("N").at(200)).alerts()).isEmpty();
            // With different keys the two roles are independent: B is a connection for X and an
            // exec for Y.
            Builder child = both.set("process.entity_id", "Y");
            assertThat(
                            detect(
                                            exec("E"),
                                            child,
                                            connect("M")
                                                    .at(200)
                                                    .set("process.parent.entity_id", "Y"))
                                    .alerts())
                    .containsExactly(new AlertPair("E", "B"), new AlertPair("B", "M"));
        }

        @Test
        void alertsAreInProcessingOrderAndPerKey() {
            Result result =
                    detect(
                            exec("E1").set("process.entity_id", "A"),
                            exec("E2").at(10).set("process.entity_id", "B"),
                            exec("E3").at(20).host("h2"),
                            connect("N3").at(30).host("h2"),
                            connect("N2").at(40).set("process.parent.entity_id", "B"),
                            connect("N1").at(50).set("process.parent.entity_id", "A"));
            assertThat(result.alerts())
                    .containsExactly(
                            new AlertPair("E3", "N3"),
                            new AlertPair("E2", "N2"),
                            new AlertPair("E1", "N1"));
            assertThat(result.read()).isEqualTo(6);
        }
    }
}
