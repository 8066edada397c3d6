package io.sshdnetcon.job;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;

/**
 * Settings that are part of the job's correctness rather than of the cluster, so they are set in
 * code for every deployment (replay, cluster, tests).
 */
public final class PipelineSettings {

    /**
     * Key groups are fixed for the life of the job's state: changing this breaks every savepoint.
     */
    public static final int MAX_PARALLELISM = 128;

    private PipelineSettings() {}

    public static Configuration apply(Configuration conf) {
        // Every state and network type must have a real serializer; never fall back to Kryo.
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        // Savepoints map state by uid; an operator without one must fail the build, not drift.
        conf.set(PipelineOptions.AUTO_GENERATE_UIDS, false);
        // All records are immutable, so chained operators may share them without copies.
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        conf.set(PipelineOptions.MAX_PARALLELISM, MAX_PARALLELISM);
        return conf;
    }
}
