package io.sshdnetcon.job;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one command-line parser: the replay job's flags, the streaming job's {@code --key value}
 * options and the operator tools' arguments all go through it, so they fail the same way. Arguments
 * are positional words and {@code --flag value} pairs.
 *
 * @param positional words that are not flags, in order
 * @param options flag to value
 * @param help whether {@code --help} or {@code -h} was given
 */
public record CommandLine(List<String> positional, Map<String, String> options, boolean help) {

    /** A usage error: the tool prints the message and its usage, and exits with 2. */
    public static final class UsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    /**
     * @param flags the flags this tool knows; each takes one value
     * @throws UsageException for an unknown, repeated or valueless flag
     */
    public static CommandLine parse(String[] args, Set<String> flags) {
        return parse(args, flags, Set.of());
    }

    /**
     * @param switches flags without a value (present or not; see {@link #has})
     */
    public static CommandLine parse(String[] args, Set<String> flags, Set<String> switches) {
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

    /**
     * Every argument is a {@code --key value} pair and any key is accepted (the caller checks them
     * against its options). A key given again replaces the earlier value, so a script can append
     * overrides to its defaults. Keys are returned without the leading dashes.
     *
     * @throws UsageException for a word that is not a flag, or a flag without a value
     */
    public static CommandLine parseKeyValues(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (!flag.startsWith("--") || flag.length() == 2) {
                throw new UsageException("expected --key value, found '" + flag + "'");
            }
            if (i + 1 >= args.length) {
                throw new UsageException(flag + " needs a value");
            }
            options.put(flag.substring(2), args[++i]);
        }
        return new CommandLine(List.of(), Collections.unmodifiableMap(options), false);
    }

    public String option(String flag, String fallback) {
        return options.getOrDefault(flag, fallback);
    }

    public String required(String flag) {
        String value = options.get(flag);
        if (value == null || value.isBlank()) {
            throw new UsageException(flag + " is required");
        }
        return value;
    }

    /** Whether switch {@code flag} was given. */
    public boolean has(String flag) {
        return options.containsKey(flag);
    }

    /** A whole number >= 0, or {@code fallback} when the flag is absent. */
    public long nonNegative(String flag, long fallback) {
        String text = options.get(flag);
        if (text == null) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " must be a whole number, 0 or more: " + text);
        }
        if (value < 0) {
            throw new UsageException(flag + " must not be negative: " + text);
        }
        return value;
    }

    /** A positive whole number, or {@code fallback} when the flag is absent. */
    public long positive(String flag, long fallback) {
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
