package io.sshdnetcon.job;

import io.sshdnetcon.rule.ExclusionSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * Starts the production topology ({@link StreamingJob#build}) on the test's mini cluster, fresh or
 * from a savepoint, and stops it with a savepoint. Whatever is still running on {@link #close()} is
 * cancelled.
 */
final class DetectorJobs implements AutoCloseable {

    private static final long TIMEOUT_SECONDS = 60;

    private final List<JobClient> started = new ArrayList<>();

    /** How a job starts: fresh, or from a savepoint. */
    record Start(
            int parallelism, String savepoint, boolean allowNonRestoredState, Configuration extra) {

        static Start fresh(int parallelism) {
            return new Start(parallelism, null, false, new Configuration());
        }

        static Start restore(String savepoint, int parallelism) {
            return new Start(parallelism, savepoint, false, new Configuration());
        }

        Start allowingNonRestoredState() {
            return new Start(parallelism, savepoint, true, extra);
        }

        /** Job configuration on top of {@link PipelineSettings} (applied after it: it wins). */
        Start with(Configuration more) {
            Configuration merged = new Configuration(extra);
            merged.addAll(more);
            return new Start(parallelism, savepoint, allowNonRestoredState, merged);
        }

        Configuration configuration() {
            Configuration conf = PipelineSettings.apply(new Configuration());
            if (savepoint != null) {
                conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
                conf.set(
                        StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE,
                        allowNonRestoredState);
            }
            conf.addAll(extra);
            return conf;
        }
    }

    JobClient start(Start start, StreamingJob.Settings settings, ExclusionSet initial)
            throws Exception {
        return start(start, settings, initial, graph -> {});
    }

    /** As {@link #start(Start, StreamingJob.Settings, ExclusionSet)}, editing the graph first. */
    JobClient start(
            Start start,
            StreamingJob.Settings settings,
            ExclusionSet initial,
            Consumer<StreamGraph> edit)
            throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(start.configuration());
        env.setParallelism(start.parallelism());
        StreamingJob.build(env, settings, initial);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(settings.jobName());
        edit.accept(graph);
        JobClient job = env.executeAsync(graph);
        started.add(job);
        return job;
    }

    /** Stop-with-savepoint without draining (pending sequences stay pending); the path. */
    static String stop(JobClient job, Path dir) throws Exception {
        String savepoint =
                job.stopWithSavepoint(false, dir.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        awaitTerminal(job);
        return savepoint;
    }

    /**
     * Stop-with-savepoint with draining: the sources end with the final watermark, CEP flushes, the
     * sinks flush. After this, what Elasticsearch holds is final.
     */
    static void drain(JobClient job, Path dir) throws Exception {
        job.stopWithSavepoint(true, dir.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        awaitTerminal(job);
    }

    private static void awaitTerminal(JobClient job) throws Exception {
        StreamingRun.await(
                "the job to end",
                () -> {
                    try {
                        return job.getJobStatus()
                                .get(10, TimeUnit.SECONDS)
                                .isGloballyTerminalState();
                    } catch (Exception e) {
                        return false;
                    }
                });
    }

    @Override
    public void close() throws Exception {
        for (JobClient job : started) {
            JobStatus status;
            try {
                status = job.getJobStatus().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                continue; // over and forgotten by the cluster
            }
            if (!status.isGloballyTerminalState()) {
                job.cancel().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        }
    }
}
