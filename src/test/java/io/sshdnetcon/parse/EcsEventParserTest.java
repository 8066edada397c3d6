package io.sshdnetcon.parse;

import static io.sshdnetcon.testing.SpecEvents.connect;
import static io.sshdnetcon.testing.SpecEvents.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.DeadLetterReason;
import io.sshdnetcon.event.JsonReadLimits;
import io.sshdnetcon.event.Outcome;
import io.sshdnetcon.event.ParsedRecord;
import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.event.Stage;
import io.sshdnetcon.rule.IpLiteral;
import io.sshdnetcon.testing.SpecEvents;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EcsEventParserTest {

    private final EcsEventParser parser = new EcsEventParser(64 * 1024);

    private ParsedRecord parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8), "test", 3, 42);
    }

    private ParsedRecord parse(SpecEvents.Builder event) {
        return parse(event.json());
    }

    @Nested
    class Projection {

        @Test
        void execEventBecomesACandidateJoinedOnItsEntityId() {
            ParsedRecord r = parse(exec("E").at(250));

            assertThat(r.outcome()).isEqualTo(Outcome.CANDIDATE);
            assertThat(r.timestamp()).isEqualTo(SpecEvents.BEGINNING.toEpochMilli() + 250);
            RuleEvent e = r.event();
            assertThat(e.stage()).isEqualTo(Stage.EXEC);
            assertThat(e.hostId()).isEqualTo("h1");
            assertThat(e.joinId()).isEqualTo("X");
            assertThat(e.eventId()).isEqualTo("E");
            assertThat(e.timestamp()).isEqualTo(r.timestamp());
            assertThat(e.destination()).isEmpty();
            assertThat(new String(e.raw(), StandardCharsets.UTF_8))
                    .isEqualTo(exec("E").at(250).json());
        }

        @Test
        void connectionBecomesACandidateJoinedOnItsParentEntityId() {
            RuleEvent e = parse(connect("N").destination("2001:4860:4860::8888")).event();

            assertThat(e.stage()).isEqualTo(Stage.CONNECT);
            assertThat(e.joinId()).isEqualTo("X");
            assertThat(e.processNames()).containsExactly("curl");
            assertThat(e.processExecutables()).containsExactly("/usr/bin/curl");
            long[] expected = new long[2];
            IpLiteral.parse("2001:4860:4860::8888", expected, 0);
            assertThat(e.destination()).containsExactly(expected);
        }

        @Test
        void provenanceIsKept() {
            ParsedRecord r = parse(exec("E"));
            assertThat(r.source()).isEqualTo("test");
            assertThat(r.partition()).isEqualTo(3);
            assertThat(r.offset()).isEqualTo(42);
        }

        @Test
        void readsDottedKeysAtTheTopLevel() {
            String json =
                    "{\"@timestamp\":\"2026-01-05T10:00:00Z\",\"event.category\":\"process\","
                        + "\"event.type\":\"start\",\"event.action\":\"exec\",\"event.id\":\"E\","
                        + "\"host.id\":\"h1\",\"host.os.type\":\"linux\","
                        + "\"process.entity_id\":\"X\","
                        + "\"process.parent.executable\":\"/usr/sbin/sshd\"}";
            RuleEvent e = parse(json).event();
            assertThat(e.stage()).isEqualTo(Stage.EXEC);
            assertThat(e.joinId()).isEqualTo("X");
        }

        @Test
        void readsDottedKeysInsideObjects() {
            String json =
                    "{\"@timestamp\":\"2026-01-05T10:00:00Z\",\"event\":{\"category\":[\"network\"],"
                        + "\"type\":\"start\",\"action\":\"connection_attempted\"},"
                        + "\"host\":{\"id\":\"h1\",\"os.type\":\"linux\"},"
                        + "\"process\":{\"parent.entity_id\":\"X\"},\"destination.ip\":\"8.8.8.8\"}";
            RuleEvent e = parse(json).event();
            assertThat(e.stage()).isEqualTo(Stage.CONNECT);
            assertThat(e.joinId()).isEqualTo("X");
            assertThat(e.eventId()).isNull();
        }

        @Test
        void samePathNestedAndDottedIsMultiValued() {
            // Elasticsearch merges both spellings into one field with two values.
            String json = exec("E").json().replaceFirst("\\}$", ",\"process.entity_id\":\"Y\"}");
            assertThat(parse(json).outcome()).isEqualTo(Outcome.MULTI_VALUED_JOIN_KEY);
        }

        @Test
        void wideObjectsWithDistinctKeysAreFine() {
            StringBuilder wide = new StringBuilder(",\"labels\":{");
            for (int i = 0; i < 100; i++) {
                wide.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
            }
            String json = exec("E").json().replaceFirst("\\}$", wide + "}}");
            assertThat(parse(json).outcome()).isEqualTo(Outcome.CANDIDATE);
        }

        @Test
        void skipsIrrelevantSubtreesOfAnyShape() {
            String json =
                    exec("E")
                            .json()
                            .replaceFirst(
                                    "\\}$",
                                    ",\"file\":{\"a\":[1,{\"b\":[[]]},null,true],\"c\":\"x\"},"
                                        + "\"host.ip\":[\"10.0.0.1\"],\"process.args\":[\"-c\",\"id\"]}");
            assertThat(parse(json).event().joinId()).isEqualTo("X");
        }
    }

    @Nested
    class StagePredicates {

        @Test
        void anyElementOfAnArrayMatches() {
            assertThat(parse(exec("E").array("event.type", "info", "start")).outcome())
                    .isEqualTo(Outcome.CANDIDATE);
            assertThat(parse(exec("E").array("event.category", "host", "process")).outcome())
                    .isEqualTo(Outcome.CANDIDATE);
        }

        @Test
        void aPlainStringCountsAsAOneElementArray() {
            assertThat(parse(exec("E").set("event.category", "process")).outcome())
                    .isEqualTo(Outcome.CANDIDATE);
            assertThat(parse(exec("E").set("event.type", "start")).outcome())
                    .isEqualTo(Outcome.CANDIDATE);
        }

        static List<Arguments> irrelevantVariants() {
            return List.of(
                    Arguments.of("os type Linux", exec("E").set("host.os.type", "Linux")),
                    Arguments.of("os type windows", exec("E").set("host.os.type", "windows")),
                    Arguments.of("os type missing", exec("E").remove("host.os.type")),
                    Arguments.of("event.type end", exec("E").array("event.type", "end")),
                    Arguments.of("event.type missing", exec("E").remove("event.type")),
                    Arguments.of("action fork", exec("E").set("event.action", "fork")),
                    Arguments.of("action EXEC", exec("E").set("event.action", "EXEC")),
                    Arguments.of(
                            "parent /USR/SBIN/SSHD",
                            exec("E").set("process.parent.executable", "/USR/SBIN/SSHD")),
                    Arguments.of(
                            "parent /usr/bin/sshd",
                            exec("E").set("process.parent.executable", "/usr/bin/sshd")),
                    Arguments.of("parent missing", exec("E").remove("process.parent.executable")),
                    Arguments.of(
                            "category network for exec",
                            exec("E").array("event.category", "network")),
                    Arguments.of(
                            "category process for connect",
                            connect("N").array("event.category", "process")),
                    Arguments.of(
                            "connection_accepted",
                            connect("N").set("event.action", "connection_accepted")),
                    Arguments.of(
                            "Connection_Attempted",
                            connect("N").set("event.action", "Connection_Attempted")),
                    Arguments.of("connect on macos", connect("N").set("host.os.type", "macos")));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("irrelevantVariants")
        void exactCaseSensitiveComparisonsAndMissingFieldsFail(
                String name, SpecEvents.Builder event) {
            assertThat(parse(event).outcome()).isEqualTo(Outcome.IRRELEVANT);
        }

        @Test
        void irrelevantEventsKeepTheirTimestampForWatermarks() {
            ParsedRecord r = parse(exec("E").at(1234).set("event.action", "fork"));
            assertThat(r.timestamp()).isEqualTo(SpecEvents.BEGINNING.toEpochMilli() + 1234);
            assertThat(r.event()).isNull();
        }
    }

    @Nested
    class JoinKeys {

        @Test
        void missingOrNullJoinValuesNeverJoin() {
            assertThat(parse(exec("E").remove("process.entity_id")).outcome())
                    .isEqualTo(Outcome.MISSING_JOIN_KEY);
            assertThat(parse(exec("E").set("process.entity_id", null)).outcome())
                    .isEqualTo(Outcome.MISSING_JOIN_KEY);
            assertThat(parse(connect("N").remove("process.parent.entity_id")).outcome())
                    .isEqualTo(Outcome.MISSING_JOIN_KEY);
            assertThat(parse(connect("N").remove("host.id")).outcome())
                    .isEqualTo(Outcome.MISSING_JOIN_KEY);
            assertThat(parse(connect("N").array("host.id")).outcome())
                    .isEqualTo(Outcome.MISSING_JOIN_KEY);
        }

        @Test
        void emptyStringIsAnOrdinaryValue() {
            assertThat(parse(exec("E").entity("")).event().joinId()).isEmpty();
        }

        @Test
        void oneElementArrayIsTheValue() {
            assertThat(parse(exec("E").array("process.entity_id", "X")).event().joinId())
                    .isEqualTo("X");
        }

        @Test
        void severalValuesAreDroppedAndCounted() {
            assertThat(parse(exec("E").array("process.entity_id", "X", "Y")).outcome())
                    .isEqualTo(Outcome.MULTI_VALUED_JOIN_KEY);
            assertThat(parse(connect("N").array("host.id", "h1", "h2")).outcome())
                    .isEqualTo(Outcome.MULTI_VALUED_JOIN_KEY);
        }

        @Test
        void sequenceKeysCannotCollide() {
            assertThat(RuleEvent.sequenceKey("ab", "c"))
                    .isNotEqualTo(RuleEvent.sequenceKey("a", "bc"));
        }
    }

    @Nested
    class Destinations {

        @Test
        void missingNullOrEmptyDestinationIsKeptForTheExclusionStep() {
            for (SpecEvents.Builder event :
                    List.of(
                            connect("N").remove("destination.ip"),
                            connect("N").set("destination.ip", null),
                            connect("N").array("destination.ip"),
                            connect("N").set("destination.ip", new String[] {null}))) {
                ParsedRecord r = parse(event);
                assertThat(r.outcome()).as(event.json()).isEqualTo(Outcome.CANDIDATE);
                assertThat(r.event().destination()).isEmpty();
            }
        }

        @Test
        void everyValueOfAMultiValuedDestinationIsKept() {
            RuleEvent e =
                    parse(connect("N").array("destination.ip", "8.8.8.8", "10.0.0.1")).event();
            // Two longs per address (see RuleEvent#destination).
            assertThat(e.destination().length / 2).isEqualTo(2);
        }

        @ParameterizedTest(name = "[{0}]")
        @ValueSource(
                strings = {
                    "\"\"",
                    "\"not-an-ip\"",
                    "\"010.0.0.1\"",
                    "\" 8.8.8.8\"",
                    "8",
                    "true",
                    "{\"a\":1}",
                    "[\"8.8.8.8\",\"nope\"]",
                    "[\"8.8.8.8\",5]"
                })
        void unparsableDestinationIsDeadLetteredNotMatched(String value) {
            String json =
                    connect("N")
                            .remove("destination.ip")
                            .json()
                            .replaceFirst("\\}$", ",\"destination.ip\":" + value + "}");
            ParsedRecord r = parse(json);
            assertThat(r.outcome()).isEqualTo(Outcome.INVALID_DESTINATION);
            assertThat(r.deadLetter().reason()).isEqualTo(DeadLetterReason.INVALID_DESTINATION);
            assertThat(r.deadLetter().payload()).isEqualTo(json.getBytes(StandardCharsets.UTF_8));
            assertThat(r.event()).isNull();
        }

        @Test
        void destinationOfIrrelevantEventsIsNotInspected() {
            ParsedRecord r =
                    parse(
                            connect("N")
                                    .set("event.action", "connection_accepted")
                                    .set("destination.ip", "not-an-ip"));
            assertThat(r.outcome()).isEqualTo(Outcome.IRRELEVANT);
        }
    }

    @Nested
    class Malformed {

        static List<Arguments> cases() {
            String valid = exec("E").json();
            return List.of(
                    Arguments.of("empty", "", DeadLetterReason.NOT_JSON),
                    Arguments.of("blank", "   ", DeadLetterReason.NOT_JSON),
                    Arguments.of("not json", "hello world", DeadLetterReason.NOT_JSON),
                    Arguments.of(
                            "truncated",
                            valid.substring(0, valid.length() / 2),
                            DeadLetterReason.NOT_JSON),
                    Arguments.of("unclosed", "{\"a\":1", DeadLetterReason.NOT_JSON),
                    Arguments.of("trailing garbage", valid + "x", DeadLetterReason.NOT_JSON),
                    Arguments.of("two objects", valid + " " + valid, DeadLetterReason.NOT_JSON),
                    Arguments.of("single quotes", "{'a':1}", DeadLetterReason.NOT_JSON),
                    Arguments.of("broken array", "[1,2", DeadLetterReason.NOT_JSON),
                    Arguments.of("array", "[" + valid + "]", DeadLetterReason.NOT_AN_OBJECT),
                    Arguments.of("string", "\"hello\"", DeadLetterReason.NOT_AN_OBJECT),
                    Arguments.of("number", "42", DeadLetterReason.NOT_AN_OBJECT),
                    Arguments.of("null", "null", DeadLetterReason.NOT_AN_OBJECT),
                    Arguments.of(
                            "duplicate key",
                            valid.replaceFirst("\\}$", ",\"@timestamp\":\"2026-01-05T10:00:00Z\"}"),
                            DeadLetterReason.DUPLICATE_KEY),
                    Arguments.of(
                            "duplicate nested key",
                            valid.replace(
                                    "\"action\":\"exec\"",
                                    "\"action\":\"exec\",\"action\":\"exec\""),
                            DeadLetterReason.DUPLICATE_KEY),
                    Arguments.of(
                            "duplicate key in a skipped subtree",
                            valid.replaceFirst(
                                    "\\}$", ",\"file\":{\"x\":[{\"a\":1,\"b\":2,\"a\":3}]}}"),
                            DeadLetterReason.DUPLICATE_KEY),
                    Arguments.of(
                            "missing @timestamp",
                            exec("E").remove("@timestamp").json(),
                            DeadLetterReason.INVALID_TIMESTAMP),
                    Arguments.of(
                            "null @timestamp",
                            exec("E").set("@timestamp", null).json(),
                            DeadLetterReason.INVALID_TIMESTAMP),
                    Arguments.of(
                            "numeric @timestamp",
                            exec("E").set("@timestamp", 1767607200000L).json(),
                            DeadLetterReason.INVALID_TIMESTAMP),
                    Arguments.of(
                            "array @timestamp",
                            exec("E").array("@timestamp", "2026-01-05T10:00:00Z").json(),
                            DeadLetterReason.INVALID_TIMESTAMP),
                    Arguments.of(
                            "object @timestamp",
                            exec("E").set("@timestamp", Map.of("a", 1)).json(),
                            DeadLetterReason.INVALID_TIMESTAMP),
                    Arguments.of(
                            "unparsable @timestamp",
                            exec("E").set("@timestamp", "yesterday").json(),
                            DeadLetterReason.INVALID_TIMESTAMP),
                    Arguments.of(
                            "empty @timestamp",
                            exec("E").set("@timestamp", "").json(),
                            DeadLetterReason.INVALID_TIMESTAMP),
                    Arguments.of(
                            "numeric action",
                            exec("E").set("event.action", 5).json(),
                            DeadLetterReason.WRONG_TYPE),
                    Arguments.of(
                            "boolean os type",
                            exec("E").set("host.os.type", true).json(),
                            DeadLetterReason.WRONG_TYPE),
                    Arguments.of(
                            "object host id",
                            exec("E").set("host.id", Map.of("x", 1)).json(),
                            DeadLetterReason.WRONG_TYPE),
                    Arguments.of(
                            "number in category array",
                            exec("E").array("event.category", "process", 7).json(),
                            DeadLetterReason.WRONG_TYPE),
                    Arguments.of(
                            "nested array in type",
                            exec("E").set("event.type", List.of(List.of("start"))).json(),
                            DeadLetterReason.WRONG_TYPE),
                    Arguments.of(
                            "numeric entity id",
                            exec("E").set("process.entity_id", 12).json(),
                            DeadLetterReason.WRONG_TYPE),
                    Arguments.of(
                            "numeric event id",
                            exec("E").set("event.id", 12).json(),
                            DeadLetterReason.WRONG_TYPE),
                    Arguments.of(
                            "numeric process name",
                            connect("N").set("process.name", 1).json(),
                            DeadLetterReason.WRONG_TYPE),
                    Arguments.of(
                            "object executable",
                            connect("N").set("process.executable", Map.of()).json(),
                            DeadLetterReason.WRONG_TYPE),
                    Arguments.of(
                            "wrong type on an irrelevant event",
                            exec("E")
                                    .set("event.action", "fork")
                                    .set("process.parent.executable", 3)
                                    .json(),
                            DeadLetterReason.WRONG_TYPE));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("cases")
        void isDeadLetteredWithItsBytesAndAReason(
                String name, String input, DeadLetterReason reason) {
            ParsedRecord r = parse(input);

            assertThat(r.outcome()).isEqualTo(Outcome.MALFORMED);
            assertThat(r.hasTimestamp()).isFalse();
            assertThat(r.event()).isNull();
            DeadLetter letter = r.deadLetter();
            assertThat(letter.reason()).isEqualTo(reason);
            assertThat(letter.detail()).isNotBlank();
            assertThat(letter.payload()).isEqualTo(input.getBytes(StandardCharsets.UTF_8));
            assertThat(letter.source()).isEqualTo("test");
            assertThat(letter.offset()).isEqualTo(42);
        }

        @Test
        void invalidUtf8IsNotJson() {
            byte[] bytes =
                    exec("E").json().replace("bash", "b\u00e4sh").getBytes(StandardCharsets.UTF_8);
            int umlaut = new String(bytes, StandardCharsets.UTF_8).indexOf('\u00e4');
            byte[] broken = bytes.clone();
            broken[umlaut + 1] = (byte) 0x28; // the continuation byte of U+00E4 replaced by '('
            ParsedRecord r = parser.parse(broken, "test", -1, 1);
            assertThat(r.outcome()).isEqualTo(Outcome.MALFORMED);
            assertThat(r.deadLetter().reason()).isEqualTo(DeadLetterReason.NOT_JSON);
            assertThat(r.deadLetter().payload()).isEqualTo(broken);
        }

        @Test
        void deeplyNestedInputIsRejectedWithoutBlowingTheStack() {
            String json = "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
            assertThat(parse(json).deadLetter().reason())
                    .isEqualTo(DeadLetterReason.NESTING_TOO_DEEP);
        }

        @Test
        void recordsOverTheLimitKeepOnlyTheirFirstBytes() {
            EcsEventParser small = new EcsEventParser(1024);
            byte[] big = exec("E").set("process.args", "x".repeat(5000)).bytes();
            ParsedRecord r = small.parse(big, "test", -1, 7);
            assertThat(r.deadLetter().reason()).isEqualTo(DeadLetterReason.RECORD_TOO_LARGE);
            assertThat(r.deadLetter().payload()).hasSize(1024);
            assertThat(r.deadLetter().detail()).contains(String.valueOf(big.length));
        }

        @Test
        void parsesFromAnOffsetInASharedBuffer() {
            byte[] line = exec("E").bytes();
            byte[] buffer = new byte[line.length + 20];
            System.arraycopy(line, 0, buffer, 10, line.length);
            ParsedRecord r = parser.parse(buffer, 10, line.length, "test", -1, 1);
            assertThat(r.outcome()).isEqualTo(Outcome.CANDIDATE);
            assertThat(r.event().raw()).isEqualTo(line);
        }
    }

    /** {@link JsonReadLimits}: each limit has its own reason, and exactly the limit passes. */
    @Nested
    class Limits {

        private static final int DEPTH = JsonReadLimits.MAX_NESTING_DEPTH;

        /** A connection with {@code extra} (",key:value") as its last field. */
        private ParsedRecord connectionWith(String extra) {
            String json = connect("N").json();
            return parse(json.substring(0, json.length() - 1) + extra + "}");
        }

        private DeadLetterReason reasonOf(ParsedRecord r) {
            return r.deadLetter() == null ? null : r.deadLetter().reason();
        }

        @Test
        void objectsNestUpToTheLimit() {
            // The event itself is level 1.
            assertThat(reasonOf(connectionWith(",\"d\":" + nested("{\"d\":", DEPTH - 1, "1", "}"))))
                    .isNull();
            ParsedRecord r = connectionWith(",\"d\":" + nested("{\"d\":", DEPTH, "1", "}"));
            assertThat(reasonOf(r)).isEqualTo(DeadLetterReason.NESTING_TOO_DEEP);
            assertThat(r.deadLetter().detail())
                    .startsWith("objects and arrays nest deeper than 100 levels (at byte ");
        }

        @Test
        void arraysCountAsLevelsToo() {
            assertThat(reasonOf(connectionWith(",\"d\":" + nested("[", DEPTH - 1, "", "]"))))
                    .isNull();
            assertThat(reasonOf(connectionWith(",\"d\":" + nested("[", DEPTH, "", "]"))))
                    .isEqualTo(DeadLetterReason.NESTING_TOO_DEEP);
        }

        @Test
        void aDottedKeyNestsAsDeepAsItsSegments() {
            assertThat(reasonOf(connectionWith(",\"" + dotted(DEPTH) + "\":1"))).isNull();
            ParsedRecord r = connectionWith(",\"" + dotted(DEPTH + 1) + "\":1");
            assertThat(reasonOf(r)).isEqualTo(DeadLetterReason.NESTING_TOO_DEEP);
            assertThat(r.deadLetter().detail()).contains("more than 100 segments");
        }

        @Test
        void objectsAndDottedKeysAddUp() {
            // 1 ("d") + 49 ("d" in each object) + 50 segments = 100; one more segment is too deep.
            String within = nested("{\"d\":", 49, "{\"" + dotted(50) + "\":1}", "}");
            String beyond = nested("{\"d\":", 49, "{\"" + dotted(51) + "\":1}", "}");
            assertThat(reasonOf(connectionWith(",\"d\":" + within))).isNull();
            assertThat(reasonOf(connectionWith(",\"d\":" + beyond)))
                    .isEqualTo(DeadLetterReason.NESTING_TOO_DEEP);
            // Objects inside arrays continue their array's path.
            String inArrays = nested("[{\"d\":", 49, "{\"" + dotted(51) + "\":1}", "}]");
            assertThat(reasonOf(connectionWith(",\"d\":" + inArrays)))
                    .isEqualTo(DeadLetterReason.NESTING_TOO_DEEP);
        }

        @Test
        void keysUpToTheNameLimit() {
            int max = JsonReadLimits.MAX_NAME_BYTES;
            assertThat(reasonOf(connectionWith(",\"" + "k".repeat(max) + "\":1"))).isNull();
            ParsedRecord r = connectionWith(",\"" + "k".repeat(max + 1) + "\":1");
            assertThat(reasonOf(r)).isEqualTo(DeadLetterReason.NAME_TOO_LONG);
            assertThat(r.deadLetter().detail()).startsWith("a key is longer than 1024 bytes");
            // Bytes, not characters: 513 two-byte characters are 1026 bytes.
            assertThat(reasonOf(connectionWith(",\"" + "\u00e4".repeat(513) + "\":1")))
                    .isEqualTo(DeadLetterReason.NAME_TOO_LONG);
            // The issue's key: 25,000 segments, 49,999 characters.
            assertThat(reasonOf(connectionWith(",\"" + dotted(25_000) + "\":1")))
                    .isEqualTo(DeadLetterReason.NAME_TOO_LONG);
        }

        @Test
        void numbersUpToTheNumberLimitEvenWhenSkipped() {
            int max = JsonReadLimits.MAX_NUMBER_CHARS;
            assertThat(reasonOf(connectionWith(",\"n\":" + "9".repeat(max)))).isNull();
            assertThat(reasonOf(connectionWith(",\"n\":" + "9".repeat(max + 1))))
                    .isEqualTo(DeadLetterReason.NUMBER_TOO_LONG);
            assertThat(reasonOf(connectionWith(",\"n\":[1,0." + "1".repeat(max) + "]")))
                    .isEqualTo(DeadLetterReason.NUMBER_TOO_LONG);
            assertThat(reasonOf(connectionWith(",\"n\":-1e" + "1".repeat(max))))
                    .isEqualTo(DeadLetterReason.NUMBER_TOO_LONG);
        }

        @Test
        void valuesTheRuleReadsUpToTheStringLimit() {
            int max = JsonReadLimits.MAX_RULE_VALUE_CHARS;
            assertThat(parse(connect("N").processName("p".repeat(max))).event().processNames())
                    .containsExactly("p".repeat(max));
            ParsedRecord r = parse(connect("N").set("host.id", "h".repeat(max + 1)));
            assertThat(reasonOf(r)).isEqualTo(DeadLetterReason.STRING_TOO_LONG);
            assertThat(r.deadLetter().detail())
                    .startsWith("a value of host.id is longer than 32768 characters (at byte ");
            // A string the parser skips is bounded by the record size only.
            assertThat(
                            new EcsEventParser(4 * 1024 * 1024)
                                    .parse(
                                            connect("N")
                                                    .set("message", "m".repeat(3 * max))
                                                    .bytes(),
                                            "t",
                                            -1,
                                            1)
                                    .outcome())
                    .isEqualTo(Outcome.CANDIDATE);
        }

        @Test
        void theRecordLimitCannotExceedWhatElasticsearchAccepts() {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> new EcsEventParser(JsonReadLimits.MAX_DOCUMENT_BYTES + 1))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        private static String nested(String open, int levels, String inner, String close) {
            return open.repeat(levels) + inner + close.repeat(levels);
        }

        private static String dotted(int segments) {
            return String.join(".", java.util.Collections.nCopies(segments, "a"));
        }
    }

    /** Strict UTF-8: what Jackson would decode leniently, or skip unread, is not JSON either. */
    @Nested
    class InvalidUtf8 {

        static List<Arguments> sequences() {
            return List.of(
                    Arguments.of("overlong slash", new int[] {0xC0, 0xAF}),
                    Arguments.of("overlong 3-byte", new int[] {0xE0, 0x80, 0xAF}),
                    Arguments.of("overlong 4-byte", new int[] {0xF0, 0x80, 0x80, 0xAF}),
                    Arguments.of("surrogate", new int[] {0xED, 0xA0, 0x80}),
                    Arguments.of("beyond U+10FFFF", new int[] {0xF4, 0x90, 0x80, 0x80}),
                    Arguments.of("F5 lead byte", new int[] {0xF5, 0x80, 0x80, 0x80}),
                    Arguments.of("lone continuation", new int[] {0x80}),
                    Arguments.of("FF", new int[] {0xFF}),
                    Arguments.of("truncated 3-byte", new int[] {0xE2, 0x82}),
                    Arguments.of("broken second byte", new int[] {0xC3, '('}));
        }

        @ParameterizedTest(name = "{0} in a skipped value")
        @MethodSource("sequences")
        void inASkippedValue(String name, int[] sequence) {
            assertNotJson(splice(connect("N").set("message", "a#b").json(), "a#b", sequence));
        }

        @ParameterizedTest(name = "{0} in a key")
        @MethodSource("sequences")
        void inAKey(String name, int[] sequence) {
            assertNotJson(splice(connect("N").set("labels.k#", 1).json(), "k#", sequence));
        }

        @ParameterizedTest(name = "{0} in a value the rule reads")
        @MethodSource("sequences")
        void inAValueTheRuleReads(String name, int[] sequence) {
            assertNotJson(splice(exec("E").json(), "/usr/sbin/sshd", sequence));
        }

        @Test
        void validMultiByteTextIsFine() {
            String text = "\u00e4\u20ac\ud83d\ude00\u07ff\u0800\uffff\udbff\udfff";
            ParsedRecord r = parse(connect("N").processName(text).set("labels." + text, text));
            assertThat(r.event().processNames()).containsExactly(text);
        }

        /** {@code json} with the first {@code marker} ('#' if present) replaced by raw bytes. */
        private byte[] splice(String json, String marker, int[] sequence) {
            String at = marker.contains("#") ? "#" : marker;
            int i = json.indexOf(marker) + marker.indexOf(at);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            out.writeBytes(json.substring(0, i).getBytes(StandardCharsets.UTF_8));
            for (int b : sequence) {
                out.write(b);
            }
            out.writeBytes(
                    json.substring(i + (at.equals("#") ? 1 : 0)).getBytes(StandardCharsets.UTF_8));
            return out.toByteArray();
        }

        private void assertNotJson(byte[] bytes) {
            ParsedRecord r = parser.parse(bytes, "test", -1, 1);
            assertThat(r.deadLetter().reason()).isEqualTo(DeadLetterReason.NOT_JSON);
            assertThat(r.deadLetter().payload()).isEqualTo(bytes);
        }
    }

    /** Duplicate keys are found in objects of any size, in time linear in their keys. */
    @Nested
    class ManyKeys {

        private String objectOf(int keys, String extra) {
            StringBuilder s = new StringBuilder("{");
            for (int i = 0; i < keys; i++) {
                s.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":0");
            }
            return s.append(extra).append('}').toString();
        }

        private final EcsEventParser large = new EcsEventParser(4 * 1024 * 1024);

        private ParsedRecord connectionWithLabels(String labels) {
            String json = connect("N").json();
            byte[] bytes =
                    (json.substring(0, json.length() - 1) + ",\"labels\":" + labels + "}")
                            .getBytes(StandardCharsets.UTF_8);
            return large.parse(bytes, "test", -1, 1);
        }

        @ParameterizedTest(name = "{0} keys")
        @ValueSource(ints = {1, 31, 32, 33, 1000, 100_000})
        void aRepeatedKeyIsFoundWhereverItIs(int keys) {
            assertThat(connectionWithLabels(objectOf(keys, "")).outcome())
                    .isEqualTo(Outcome.CANDIDATE);
            for (int repeated : new int[] {0, keys / 2, keys - 1}) {
                ParsedRecord r = connectionWithLabels(objectOf(keys, ",\"k" + repeated + "\":1"));
                assertThat(r.deadLetter().reason()).isEqualTo(DeadLetterReason.DUPLICATE_KEY);
                assertThat(r.deadLetter().detail()).contains("'k" + repeated + "'");
            }
        }

        @Test
        void keysSharingOneHashCodeStayLinear() {
            // "Aa" and "BB" have the same hashCode, so all 2^16 strings of 16 such pairs do too.
            List<String> colliding = new java.util.ArrayList<>(List.of(""));
            for (int i = 0; i < 16; i++) {
                List<String> next = new java.util.ArrayList<>(colliding.size() * 2);
                for (String prefix : colliding) {
                    next.add(prefix + "Aa");
                    next.add(prefix + "BB");
                }
                colliding = next;
            }
            assertThat(colliding.stream().map(String::hashCode).distinct()).hasSize(1);
            StringBuilder labels = new StringBuilder("{");
            for (String key : colliding) {
                labels.append(labels.length() == 1 ? "" : ",")
                        .append('"')
                        .append(key)
                        .append("\":0");
            }
            long start = System.nanoTime();
            ParsedRecord unique = connectionWithLabels(labels + "}");
            ParsedRecord repeated =
                    connectionWithLabels(labels + ",\"" + colliding.get(77) + "\":0}");
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertThat(unique.outcome()).as("%s", unique.deadLetter()).isEqualTo(Outcome.CANDIDATE);
            assertThat(repeated.deadLetter().reason()).isEqualTo(DeadLetterReason.DUPLICATE_KEY);
            // Quadratic would be 2^31 comparisons of equal-hash 32-character strings: minutes.
            assertThat(millis).isLessThan(20_000);
        }

        @Test
        void keysTheSymbolTableRefusesAreReadWithoutIt() {
            // Jackson's symbol table gives up on these as a suspected DoS; Elasticsearch does not.
            StringBuilder labels = new StringBuilder("{");
            List<String> colliding = new java.util.ArrayList<>(List.of(""));
            for (int i = 0; i < 12; i++) {
                List<String> next = new java.util.ArrayList<>();
                for (String prefix : colliding) {
                    next.add(prefix + "Aa");
                    next.add(prefix + "BB");
                }
                colliding = next;
            }
            for (String key : colliding) {
                labels.append(labels.length() == 1 ? "" : ",")
                        .append('"')
                        .append(key)
                        .append("\":0");
            }
            assertThat(connectionWithLabels(labels + "}").outcome()).isEqualTo(Outcome.CANDIDATE);
            // Limits still apply on that path, each with its own reason.
            assertThat(
                            connectionWithLabels(labels + ",\"" + "k".repeat(40_000) + "\":0}")
                                    .deadLetter()
                                    .reason())
                    .isEqualTo(DeadLetterReason.NAME_TOO_LONG);
            assertThat(
                            connectionWithLabels(labels + ",\"" + colliding.get(3) + "\":0}")
                                    .deadLetter()
                                    .reason())
                    .isEqualTo(DeadLetterReason.DUPLICATE_KEY);
            // And the parser goes on with a fresh table.
            assertThat(connectionWithLabels(objectOf(5000, "")).outcome())
                    .isEqualTo(Outcome.CANDIDATE);
        }

        @Test
        void aHugeObjectLeavesNothingBehindForTheNextRecords() {
            EcsEventParser reused = new EcsEventParser(4 * 1024 * 1024);
            byte[] huge =
                    (connect("N").json().replaceFirst("\\}$", "")
                                    + ",\"labels\":"
                                    + objectOf(200_000, ",\"k5\":1")
                                    + "}")
                            .getBytes(StandardCharsets.UTF_8);
            assertThat(reused.parse(huge, "t", -1, 1).deadLetter().reason())
                    .isEqualTo(DeadLetterReason.DUPLICATE_KEY);
            for (int keys : new int[] {40, 2000, 40}) {
                byte[] next =
                        (connect("N").json().replaceFirst("\\}$", "")
                                        + ",\"labels\":"
                                        + objectOf(keys, "")
                                        + "}")
                                .getBytes(StandardCharsets.UTF_8);
                assertThat(reused.parse(next, "t", -1, 2).outcome()).isEqualTo(Outcome.CANDIDATE);
            }
            byte[] duplicate =
                    (connect("N").json().replaceFirst("\\}$", "")
                                    + ",\"labels\":"
                                    + objectOf(40, ",\"k39\":1")
                                    + "}")
                            .getBytes(StandardCharsets.UTF_8);
            assertThat(reused.parse(duplicate, "t", -1, 3).deadLetter().reason())
                    .isEqualTo(DeadLetterReason.DUPLICATE_KEY);
        }
    }
}
