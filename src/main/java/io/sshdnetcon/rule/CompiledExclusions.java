package io.sshdnetcon.rule;

import io.sshdnetcon.event.RuleEvent;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An {@link ExclusionSet} turned into lookup structures: merged address intervals searched in O(log
 * n), and hash sets for the process allowlists. Not state: rebuilt from the set when needed.
 */
public final class CompiledExclusions {

    private final long version;
    private final AddressRanges destinations;
    private final Set<String> executables;
    private final Set<String> names;

    private CompiledExclusions(ExclusionSet set) {
        this.version = set.version();
        this.destinations = AddressRanges.of(set.destinationCidrs());
        this.executables = new HashSet<>(set.processExecutables());
        this.names = new HashSet<>(set.processNames());
    }

    /**
     * @throws IllegalArgumentException if a destination entry is not an address or CIDR range
     */
    public static CompiledExclusions compile(ExclusionSet set) {
        return new CompiledExclusions(set);
    }

    public long version() {
        return version;
    }

    /**
     * Why the rule's {@code not (...)} clauses remove this connection, or null if they do not.
     * Order follows the query: destination first, then the process allowlist.
     */
    public ExclusionReason evaluate(RuleEvent connection) {
        long[] d = connection.destination();
        if (d.length == 0) {
            return ExclusionReason.NO_DESTINATION;
        }
        for (int i = 0; i < d.length; i += 2) {
            if (destinations.contains(d[i], d[i + 1])) {
                return ExclusionReason.DESTINATION;
            }
        }
        if (anyIn(connection.processExecutables(), executables)) {
            return ExclusionReason.PROCESS_EXECUTABLE;
        }
        if (anyIn(connection.processNames(), names)) {
            return ExclusionReason.PROCESS_NAME;
        }
        return null;
    }

    private static boolean anyIn(List<String> values, Set<String> listed) {
        for (String v : values) {
            if (listed.contains(v)) {
                return true;
            }
        }
        return false;
    }
}
