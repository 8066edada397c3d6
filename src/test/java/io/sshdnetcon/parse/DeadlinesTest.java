package io.sshdnetcon.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeadlinesTest {

    @Test
    void removesExactlyTheTimesAtOrBeforeTheFrontierInAnyInsertionOrder() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            Deadlines deadlines = new Deadlines();
            PriorityQueue<Long> expected = new PriorityQueue<>();
            List<Integer> removedCounts = new ArrayList<>();
            List<Integer> expectedCounts = new ArrayList<>();
            for (int step = 0; step < 100; step++) {
                if (random.nextInt(3) > 0) {
                    long time = random.nextInt(1_000) - 500;
                    deadlines.add(time);
                    expected.add(time);
                } else {
                    long frontier = random.nextInt(1_000) - 500;
                    int count = 0;
                    while (!expected.isEmpty() && expected.peek() <= frontier) {
                        expected.poll();
                        count++;
                    }
                    expectedCounts.add(count);
                    assertThat(deadlines.anyAtOrBefore(frontier)).isEqualTo(count > 0);
                    removedCounts.add(deadlines.removeAtOrBefore(frontier));
                }
                assertThat(deadlines.isEmpty()).isEqualTo(expected.isEmpty());
            }
            assertThat(removedCounts).isEqualTo(expectedCounts);
        }
    }

    @Test
    void duplicatesAndExtremesAreKept() {
        Deadlines deadlines = new Deadlines();
        deadlines.add(Long.MAX_VALUE);
        deadlines.add(5);
        deadlines.add(5);
        deadlines.add(Long.MIN_VALUE);

        assertThat(deadlines.removeAtOrBefore(4)).isEqualTo(1);
        assertThat(deadlines.removeAtOrBefore(5)).isEqualTo(2);
        assertThat(deadlines.anyAtOrBefore(Long.MAX_VALUE - 1)).isFalse();
        assertThat(deadlines.removeAtOrBefore(Long.MAX_VALUE)).isEqualTo(1);
        assertThat(deadlines.isEmpty()).isTrue();
    }
}
