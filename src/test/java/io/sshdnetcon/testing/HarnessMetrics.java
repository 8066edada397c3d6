package io.sshdnetcon.testing;

import io.sshdnetcon.metrics.JobCounter;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.accumulators.Accumulator;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.executiongraph.ExecutionAttemptID;
import org.apache.flink.runtime.metrics.groups.AbstractMetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskManagerMetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskMetricGroup;
import org.apache.flink.runtime.metrics.util.TestingMetricRegistry;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;

/**
 * The counts (and gauges) an operator keeps, read in an operator test harness both ways a {@link
 * JobCounter} keeps them: as Flink metrics, the way a reporter sees them, and as the job-wide
 * accumulators a replay summary prints.
 *
 * <p>The harness's default environment registers metrics nowhere, so a test hands the harness
 * {@link #environment()} instead, whose metric registry records every counter. Close this after the
 * harness: a harness leaves an environment it was given open.
 */
public final class HarnessMetrics implements AutoCloseable {

    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Gauge<?>> gauges = new ConcurrentHashMap<>();
    private final MockEnvironment environment;

    public HarnessMetrics() {
        TestingMetricRegistry registry =
                TestingMetricRegistry.builder()
                        .setRegisterConsumer(
                                (metric, name, group) -> {
                                    String key = key(group, name);
                                    if (key != null && metric instanceof Counter counter) {
                                        counters.put(key, counter);
                                    }
                                    if (key != null && metric instanceof Gauge<?> gauge) {
                                        gauges.put(key, gauge);
                                    }
                                })
                        .build();
        TaskMetricGroup task =
                TaskManagerMetricGroup.createTaskManagerMetricGroup(
                                registry, "localhost", ResourceID.generate())
                        .addJob(new JobID(), "harness")
                        .addTask(ExecutionAttemptID.randomId(), "harness");
        environment = new MockEnvironmentBuilder().setMetricGroup(task).build();
    }

    /** The environment to build the harness with. */
    public MockEnvironment environment() {
        return environment;
    }

    /**
     * The counter {@code name} of the detector's metric group, with its labels before it: {@code
     * "events_in"}, or {@code "reason.not_json.events_malformed"} for {@code reason=not_json}.
     *
     * @throws AssertionError if the operator registered no such counter
     */
    public long count(String name) {
        Counter counter = counters.get(name);
        if (counter == null) {
            throw new AssertionError("no counter " + name + " among " + counters().keySet());
        }
        return counter.getCount();
    }

    /**
     * The value of gauge {@code name} of the detector's metric group, read as a reporter reads it.
     *
     * @throws AssertionError if the operator registered no such gauge
     */
    public Object gauge(String name) {
        Gauge<?> gauge = gauges.get(name);
        if (gauge == null) {
            throw new AssertionError("no gauge " + name + " among " + gauges.keySet());
        }
        return gauge.getValue();
    }

    /** Every counter in the detector's group, by the names {@link #count} takes. */
    public Map<String, Long> counters() {
        Map<String, Long> all = new TreeMap<>();
        counters.forEach((name, counter) -> all.put(name, counter.getCount()));
        return all;
    }

    /**
     * The accumulator {@code name}, summed over labels as the job summary sees it.
     *
     * @throws AssertionError if the operator registered no such accumulator
     */
    public long total(String name) {
        Accumulator<?, ?> accumulator = environment.getAccumulatorRegistry().getUserMap().get(name);
        if (accumulator == null) {
            throw new AssertionError("no accumulator " + name);
        }
        return ((Number) accumulator.getLocalValue()).longValue();
    }

    @Override
    public void close() throws Exception {
        environment.close();
    }

    /** The scope below the detector group, then the name; null for Flink's own metrics. */
    private static String key(AbstractMetricGroup<?> group, String name) {
        String[] scope = group.getScopeComponents();
        int detector = Arrays.asList(scope).lastIndexOf(JobCounter.GROUP);
        if (detector < 0) {
            return null;
        }
        String[] below = Arrays.copyOfRange(scope, detector + 1, scope.length);
        return below.length == 0 ? name : String.join(".", below) + "." + name;
    }
}
