package io.sshdnetcon.tools;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of a command-line tool: positional words and {@code --flag value} pairs.
 *
 * @param positional words that are not flags, in order
 * @param options flag to value
 * @param help whether {@code --help} or {@code -h} was given
 */
record CommandLine(List<String> positional, Map<String, String> options, boolean help) {

    /** A usage error: the tool prints the message and its usage, and exits with 2. */
    static final class UsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    /**
     * @param flags the flags this tool knows; each takes one value
     * @throws UsageException for an unknown, repeated or valueless flag
     */
    static CommandLine parse(String[] args, Set<String> flags) {
        return parse(args, flags, Set.of());
    }

    /**
     * @param switches flags without a value (present or not; see {@link #has})
     */
    static CommandLine parse(String[] args, Set<String> flags, Set<String> switches) {
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                return new CommandLine(List.of(), Map.of(), true);
            }
            if (switches.contains(arg)) {
                if (options.put(arg, "true") != null) {
                    throw new UsageException(arg + " given twice");
                }
            } else if (arg.startsWith("--")) {
                if (!flags.contains(arg)) {
                    throw new UsageException("unknown option " + arg);
                }
                if (i + 1 >= args.length) {
                    throw new UsageException(arg + " needs a value");
                }
                if (options.put(arg, args[++i]) != null) {
                    throw new UsageException(arg + " given twice");
                }
            } else {
                positional.add(arg);
            }
        }
        return new CommandLine(List.copyOf(positional), Map.copyOf(options), false);
    }

    String option(String flag, String fallback) {
        return options.getOrDefault(flag, fallback);
    }

    String required(String flag) {
        String value = options.get(flag);
        if (value == null || value.isBlank()) {
            throw new UsageException(flag + " is required");
        }
        return value;
    }

    /** Whether switch {@code flag} was given. */
    boolean has(String flag) {
        return options.containsKey(flag);
    }

    /** A whole number >= 0, or {@code fallback} when the flag is absent. */
    long nonNegative(String flag, long fallback) {
        String text = options.get(flag);
        if (text == null) {
            return fallback;
        }
        try {
            long value = Long.parseLong(text.trim());
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(flag + " must be a whole number, 0 or more: " + text);
    }

    /** A positive whole number, or {@code fallback} when the flag is absent. */
    long positive(String flag, long fallback) {
        String text = options.get(flag);
        if (text == null) {
            return fallback;
        }
        try {
            long value = Long.parseLong(text.trim());
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(flag + " must be a positive whole number: " + text);
    }
}
