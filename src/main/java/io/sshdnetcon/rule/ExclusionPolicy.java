package io.sshdnetcon.rule;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an exclusion set may do, decided by the operator who runs the job, not by whoever can write
 * the exclusions topic. Without these rules, one record ({@code "version": 9223372036854775807,
 * "destination_cidrs": ["0.0.0.0/0"]}) would switch detection off for good: nothing can be newer,
 * and it would live on in every checkpoint.
 *
 * <ul>
 *   <li>A set whose destination ranges together cover every IPv4 or every IPv6 address is refused
 *       unless {@link #allowExcludeAll()}.
 *   <li>A set may be at most {@link #maxVersionStep()} versions ahead of the one it replaces, so no
 *       single record can take the version out of reach of the next legitimate one.
 *   <li>{@link #resetGeneration()}: raising it when starting from a savepoint discards the set
 *       stored there (see {@link ApplyExclusions}).
 * </ul>
 *
 * @param allowExcludeAll whether sets excluding every address of a family are allowed
 * @param maxVersionStep how far a set's version may be ahead of the version it replaces (>= 1)
 * @param resetGeneration raise to discard the exclusion set restored from a savepoint (>= 0)
 */
public record ExclusionPolicy(boolean allowExcludeAll, long maxVersionStep, long resetGeneration)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final long DEFAULT_MAX_VERSION_STEP = 1000;

    public static final ExclusionPolicy DEFAULTS =
            new ExclusionPolicy(false, DEFAULT_MAX_VERSION_STEP, 0);

    /** The option names, so that refusals say what the operator can change. */
    public static final String ALLOW_EXCLUDE_ALL_OPTION = "detector.exclusions.allow-exclude-all";

    public static final String MAX_VERSION_STEP_OPTION = "detector.exclusions.max-version-step";

    public ExclusionPolicy {
        if (maxVersionStep < 1) {
            throw new IllegalArgumentException(
                    MAX_VERSION_STEP_OPTION + " must be at least 1, found " + maxVersionStep);
        }
        if (resetGeneration < 0) {
            throw new IllegalArgumentException(
                    "detector.exclusions.reset-generation must not be negative, found "
                            + resetGeneration);
        }
    }

    /**
     * @throws InvalidExclusionSetException if the set's destinations exclude a whole address family
     *     and that is not allowed
     */
    public void checkCoverage(ExclusionSet set) {
        if (allowExcludeAll) {
            return;
        }
        AddressRanges ranges = AddressRanges.of(set.destinationCidrs());
        String family = ranges.coversAllIpv4() ? "IPv4" : ranges.coversAllIpv6() ? "IPv6" : null;
        if (family != null) {
            throw new InvalidExclusionSetException(
                    "version "
                            + set.version()
                            + ": '"
                            + ExclusionSetJson.DESTINATION_CIDRS
                            + "' together exclude every "
                            + family
                            + " address, which switches"
                            + " detection off for "
                            + family
                            + "; refused unless the job runs"
                            + " with "
                            + ALLOW_EXCLUDE_ALL_OPTION
                            + ": true (and the tool"
                            + " publishes with --force)");
        }
    }

    /**
     * @throws InvalidExclusionSetException if {@code next} is more than {@link #maxVersionStep()}
     *     versions ahead of {@code current}
     */
    public void checkStep(long current, ExclusionSet next) {
        // Versions are non-negative, so the difference cannot overflow.
        if (next.version() > current && next.version() - current > maxVersionStep) {
            throw new InvalidExclusionSetException(
                    "version "
                            + next.version()
                            + " is "
                            + (next.version() - current)
                            + " versions ahead of version "
                            + current
                            + " in force; at most "
                            + maxVersionStep
                            + " are allowed ("
                            + MAX_VERSION_STEP_OPTION
                            + "), so publish version "
                            + (current + 1)
                            + " to "
                            + (current + maxVersionStep)
                            + " instead");
        }
    }

    /** Both checks, for a set that would replace version {@code current}. */
    public void check(long current, ExclusionSet next) {
        checkCoverage(next);
        checkStep(current, next);
    }

    /** A set the chain did not take, and why. */
    public record Refusal(ExclusionSet set, String reason) {}

    /**
     * The outcome of {@link #chain}.
     *
     * @param newest the newest set reached
     * @param refused sets newer than the one in force at their turn that the rules refused
     */
    public record Chain(ExclusionSet newest, List<Refusal> refused) {}

    /**
     * The set in force after applying {@code candidates} to {@code base} in version order, each
     * only if it is newer than the set in force at its turn and passes {@link #check}: exactly what
     * the running job does when they arrive one by one. Of several candidates with the same version
     * the last one counts (the record compaction keeps).
     */
    public Chain chain(ExclusionSet base, Collection<ExclusionSet> candidates) {
        Map<Long, ExclusionSet> byVersion = new LinkedHashMap<>();
        for (ExclusionSet candidate : candidates) {
            byVersion.remove(candidate.version());
            byVersion.put(candidate.version(), candidate);
        }
        List<ExclusionSet> ordered = new ArrayList<>(byVersion.values());
        ordered.sort(Comparator.comparingLong(ExclusionSet::version));
        ExclusionSet current = base;
        List<Refusal> refused = new ArrayList<>();
        for (ExclusionSet candidate : ordered) {
            if (candidate.version() <= current.version()) {
                continue;
            }
            try {
                check(current.version(), candidate);
                current = candidate;
            } catch (InvalidExclusionSetException e) {
                refused.add(new Refusal(candidate, e.getMessage()));
            }
        }
        return new Chain(current, List.copyOf(refused));
    }
}
