package io.sshdnetcon.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What the route's in-memory host table costs per active host: heap used after a full collection,
 * with and without the table, for many hosts with UUID ids (as Elastic Defend's {@code host.id})
 * and one pending exec each (its time and its expiry in the deadline heap). Prints the figure that
 * docs/design.md quotes; run with {@code mvn -o -q test -Dtest=HostClocksCostTest}. The bounds are
 * loose on purpose: heap accounting is approximate, and they catch growth by a multiple.
 */
class HostClocksCostTest {

    private static final int HOSTS = 200_000;

    @Test
    void anActiveHostCostsAFewHundredBytesOfHeapInTheRoute() {
        String[] ids = new String[HOSTS];
        for (int h = 0; h < HOSTS; h++) {
            ids[h] = UUID.randomUUID().toString();
        }
        // The ids are counted separately: the route keeps the one it parsed from the host's event.
        long before = usedAfterGc();
        HostClocks clocks = new HostClocks(3_600_000);
        for (int h = 0; h < HOSTS; h++) {
            HostClocks.Clock clock = clocks.touch(new String(ids[h].toCharArray()), Long.MIN_VALUE);
            clock.newest = 1_000L * h;
            clock.deadlines.add(1_000L * h);
            clock.deadlines.add(1_000L * h + 1_000);
            clock.offsetMs = 42;
            clock.hasOffset = true;
        }
        long after = usedAfterGc();
        long perHost = (after - before) / HOSTS;
        System.out.printf(
                "route host table: %d hosts, %d B of heap per active host (its 36-character id"
                        + " included)%n",
                HOSTS, perHost);
        assertThat(clocks.spread()).isNotNull(); // keeps the table reachable until here
        assertThat(perHost).as("bytes per host").isBetween(64L, 1_000L);
    }

    private static long usedAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
        }
        return used;
    }
}
