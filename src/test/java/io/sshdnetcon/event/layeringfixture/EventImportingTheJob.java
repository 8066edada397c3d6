package io.sshdnetcon.event.layeringfixture;

import io.sshdnetcon.job.Connectors;

/** A deliberate upward dependency, for {@code ArchitectureTest} to prove that it catches one. */
public final class EventImportingTheJob {

    public static boolean replays(Connectors connectors) {
        return connectors.sinkParallelism() > 0;
    }

    private EventImportingTheJob() {}
}
