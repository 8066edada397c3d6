package io.sshdnetcon.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.event.HostEvent;
import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.parse.EcsEventParser;
import io.sshdnetcon.testing.HarnessMetrics;
import io.sshdnetcon.testing.SpecEvents;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/**
 * What the per-host ordering keeps per active host, measured as the size of its checkpointed keyed
 * state (hashmap backend, full snapshot) for many hosts. Prints the figures that docs/design.md
 * quotes; run with {@code mvn -o -q test -Dtest=HostStateCostTest}. The bounds are loose on
 * purpose: they catch a state layout that grows by a multiple, not a few bytes.
 */
class HostStateCostTest {

    private static final int HOSTS = 2_000;
    private static final OutputTag<DeadLetter> LATE =
            new OutputTag<>("late-events", TypeInformation.of(DeadLetter.class));

    private final EcsEventParser parser = new EcsEventParser();

    private long stateBytes(boolean holdAnExec) throws Exception {
        try (var metrics = new HarnessMetrics();
                var harness =
                        new KeyedOneInputStreamOperatorTestHarness<String, HostEvent, RuleEvent>(
                                new KeyedProcessOperator<>(
                                        new OrderHostEvents(
                                                LATE,
                                                Duration.ofSeconds(5),
                                                ExecThenConnectPattern.MAX_SPAN,
                                                Duration.ofSeconds(30),
                                                Duration.ofHours(1))),
                                HostEvent::hostId,
                                Types.STRING,
                                metrics.environment())) {
            harness.open();
            long t = SpecEvents.BEGINNING.toEpochMilli();
            for (int h = 0; h < HOSTS; h++) {
                String host = "host-" + h;
                if (holdAnExec) {
                    RuleEvent exec =
                            parser.parse(
                                            SpecEvents.exec("E" + h).host(host).bytes(),
                                            "events",
                                            0,
                                            h)
                                    .event()
                                    .withArrivalDelay(0);
                    harness.processElement(
                            new HostEvent(host, HostEvent.NO_CLOCK, t, exec, "events", 0, h), 0);
                } else {
                    harness.processElement(HostEvent.clock(host, HostEvent.NO_CLOCK, t), 0);
                }
            }
            OperatorSubtaskState snapshot = harness.snapshot(1, 1);
            return snapshot.getStateSize();
        }
    }

    @Test
    void anActiveHostCostsAFewHundredBytesPlusItsHeldEvents() throws Exception {
        long idle = stateBytes(false);
        long holding = stateBytes(true);
        long perHost = idle / HOSTS;
        long perHeldExec = (holding - idle) / HOSTS;
        int rawExecBytes = SpecEvents.exec("E0").host("host-0").bytes().length;
        System.out.printf(
                "host state: %d hosts, %d B per active host with nothing held, +%d B per held exec"
                        + " (its raw event is %d B)%n",
                HOSTS, perHost, perHeldExec, rawExecBytes);

        assertThat(perHost).as("bytes per host").isBetween(16L, 400L);
        assertThat(perHeldExec)
                .as("bytes per held exec")
                .isBetween((long) rawExecBytes, 3L * rawExecBytes);
    }
}
