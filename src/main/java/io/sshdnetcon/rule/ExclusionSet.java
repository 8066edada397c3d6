package io.sshdnetcon.rule;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * One versioned set of the rule's allowlists. Held in broadcast state, so it is a flat record that
 * Flink serializes as an evolvable POJO.
 *
 * @param version monotonically increasing; a set replaces the active one only if its version is
 *     higher. The built-in defaults are version 0.
 * @param destinationCidrs addresses and CIDR ranges whose connections never alert
 * @param processExecutables {@code process.executable} values whose connections never alert
 * @param processNames {@code process.name} values whose connections never alert
 */
public record ExclusionSet(
        long version,
        List<String> destinationCidrs,
        List<String> processExecutables,
        List<String> processNames)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    public ExclusionSet {
        destinationCidrs =
                List.copyOf(Objects.requireNonNull(destinationCidrs, "destinationCidrs"));
        processExecutables =
                List.copyOf(Objects.requireNonNull(processExecutables, "processExecutables"));
        processNames = List.copyOf(Objects.requireNonNull(processNames, "processNames"));
    }

    @Override
    public String toString() {
        return "ExclusionSet{version="
                + version
                + ", "
                + destinationCidrs.size()
                + " destinations, "
                + processExecutables.size()
                + " executables, "
                + processNames.size()
                + " names}";
    }
}
