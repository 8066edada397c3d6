package io.sshdnetcon.detect;

import static io.sshdnetcon.testing.SpecEvents.connect;
import static io.sshdnetcon.testing.SpecEvents.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.parse.EcsEventParser;
import io.sshdnetcon.testing.SpecEvents;
import org.junit.jupiter.api.Test;

class AlertIdsTest {

    private static final String RULE = "63431796-f813-43af-820b-492ee2efec8e";

    private static RuleEvent parse(SpecEvents.Builder b) {
        return new EcsEventParser().parse(b.bytes(), "t", -1, 1).event();
    }

    @Test
    void identifiesEventsByEventId() {
        assertThat(AlertIds.identity(parse(exec("E1")))).isEqualTo("event.id:E1");
    }

    @Test
    void eventsWithoutAnIdAreIdentifiedByTheirBytes() {
        RuleEvent a = parse(exec("x").remove("event.id"));
        RuleEvent sameBytes = parse(exec("x").remove("event.id"));
        RuleEvent otherBytes = parse(exec("x").remove("event.id").at(1));

        assertThat(AlertIds.identity(a))
                .startsWith("sha256:")
                .isEqualTo(AlertIds.identity(sameBytes));
        assertThat(AlertIds.identity(a)).isNotEqualTo(AlertIds.identity(otherBytes));
    }

    @Test
    void isStableAcrossRunsForTheSamePair() {
        // Pinned so that a change of the id scheme (which would duplicate alerts on replay) is
        // noticed.
        // Expected value computed outside Java, from the documented scheme:
        //   python3: sha256 over (4-byte big-endian length + UTF-8 bytes) of the rule id,
        //   "event.id:E1" and "event.id:N1".
        assertThat(AlertIds.of(RULE, parse(exec("E1")), parse(connect("N1"))))
                .isEqualTo(AlertIds.of(RULE, parse(exec("E1").at(5)), parse(connect("N1").at(7))))
                .isEqualTo("b30e4fd833ff76e8d97e294fab56fa1ea8f4938c410bc2b23893890c036ad6b3");
    }

    @Test
    void componentsCannotBleedIntoEachOther() {
        assertThat(AlertIds.of(RULE, parse(exec("E1|")), parse(connect("N1"))))
                .isNotEqualTo(AlertIds.of(RULE, parse(exec("E1")), parse(connect("|N1"))));
    }
}
