package io.sshdnetcon.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sshdnetcon.event.DeadLetterReason;
import io.sshdnetcon.event.Outcome;
import io.sshdnetcon.event.ParsedRecord;
import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.parse.EcsEventParser;
import io.sshdnetcon.rule.RuleMetadata;
import io.sshdnetcon.testing.HostileCorpus;
import io.sshdnetcon.testing.HostileCorpus.Case;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every hostile case through the parser and, where it qualifies, the alert builder: each event is
 * either dead-lettered under its own reason or parsed, each qualifying pair builds its alert, and
 * nothing takes long (a quadratic or recursive path would take minutes or blow the stack).
 */
class HostileInputTest {

    /** Without a symbol table, which would refuse the colliding keys of some cases. */
    private static final ObjectMapper MAPPER =
            JsonMapper.builder(
                            JsonFactory.builder()
                                    .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
                                    .build())
                    .build();

    /**
     * A quadratic path takes minutes here (400,000 keys: 10^11 comparisons) and a recursive one
     * overflows; the linear ones take well under a second warm (scripts/bench-hostile.sh), and the
     * margin is for a cold JVM on a loaded machine.
     */
    private static final Duration PER_RECORD = Duration.ofSeconds(30);

    private final EcsEventParser parser = new EcsEventParser(HostileCorpus.RECORD_LIMIT);
    private final AlertDocumentWriter writer = new AlertDocumentWriter(RuleMetadata.get());

    private static final List<Case> CASES = HostileCorpus.all();

    static List<Case> cases() {
        return CASES;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isDeadLetteredUnderItsReasonOrDetected(Case c) throws Exception {
        RuleEvent exec = expect(c.exec(), c.execReason());
        RuleEvent connect = expect(c.connect(), c.connectReason());
        if (!c.alerts()) {
            return;
        }
        assertThat(exec.stage()).isEqualTo(io.sshdnetcon.event.Stage.EXEC);
        assertThat(connect.stage()).isEqualTo(io.sshdnetcon.event.Stage.CONNECT);
        long start = System.nanoTime();
        AlertDocument alert = writer.write(new SequenceMatch(exec, connect), 0);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PER_RECORD);

        JsonNode doc = MAPPER.readTree(alert.json());
        assertThat(doc.at("/event/id").asText()).isEqualTo(alert.id());
        assertThat(doc.at("/detection/exec_event_id").asText()).isEqualTo(c.execId());
        assertThat(doc.at("/detection/network_event_id").asText()).isEqualTo(c.connectId());
        assertThat(MAPPER.readTree(c.exec())).isEqualTo(doc.at("/Events/0"));
        assertThat(MAPPER.readTree(c.connect())).isEqualTo(doc.at("/Events/1"));
        assertThat(doc.at("/host/id").asText()).startsWith("hostile-");
    }

    /** Parses {@code bytes}; the event if {@code reason} is null, else checks the dead letter. */
    private RuleEvent expect(byte[] bytes, DeadLetterReason reason) {
        long start = System.nanoTime();
        ParsedRecord r = parser.parse(bytes, "hostile", -1, 1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PER_RECORD);
        if (reason == null) {
            assertThat(r.outcome()).as("%s", r.deadLetter()).isEqualTo(Outcome.CANDIDATE);
            return r.event();
        }
        assertThat(r.outcome()).isEqualTo(Outcome.MALFORMED);
        assertThat(r.deadLetter().reason()).as(r.deadLetter().detail()).isEqualTo(reason);
        assertThat(r.deadLetter().detail()).isNotBlank().hasSizeLessThan(400);
        return null;
    }

    @Test
    void everyLimitAndEveryKindIsCovered() {
        assertThat(
                        cases().stream()
                                .flatMap(
                                        c ->
                                                java.util.stream.Stream.of(
                                                        c.execReason(), c.connectReason()))
                                .filter(r -> r != null)
                                .distinct())
                .contains(
                        DeadLetterReason.NESTING_TOO_DEEP,
                        DeadLetterReason.NAME_TOO_LONG,
                        DeadLetterReason.NUMBER_TOO_LONG,
                        DeadLetterReason.STRING_TOO_LONG,
                        DeadLetterReason.RECORD_TOO_LARGE,
                        DeadLetterReason.DUPLICATE_KEY,
                        DeadLetterReason.NOT_JSON);
        assertThat(cases()).filteredOn(Case::alerts).hasSizeGreaterThan(15);
    }
}
