package io.sshdnetcon.job;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * Reads a job's options: {@code --config FILE} (flat {@code key: value} or {@code key=value} lines)
 * overridden by {@code --key value} arguments. Keys in the detector's own namespaces must be known
 * options, so a typo fails the start instead of silently taking a default. Other keys (Flink's own,
 * such as {@code execution.checkpointing.interval}) pass through to the environment.
 *
 * <p>Secrets never travel as values: options name an environment variable or a file instead.
 */
public final class JobConfiguration {

    private static final String CONFIG_FLAG = "config";

    private final Map<String, String> values;
    private final Set<String> ownPrefixes;

    private JobConfiguration(Map<String, String> values, Set<String> ownPrefixes) {
        this.values = values;
        this.ownPrefixes = ownPrefixes;
    }

    /**
     * @param optionHolders classes whose {@code public static final ConfigOption} fields are the
     *     known options; their key prefixes (up to the first dot) are the checked namespaces
     * @throws IllegalArgumentException for malformed arguments, an unreadable file or unknown keys
     */
    public static JobConfiguration parse(String[] args, Collection<Class<?>> optionHolders) {
        Set<String> known = new TreeSet<>();
        Set<String> prefixes = new TreeSet<>();
        for (Class<?> holder : optionHolders) {
            for (ConfigOption<?> option : optionsOf(holder)) {
                known.add(option.key());
                prefixes.add(option.key().substring(0, option.key().indexOf('.') + 1));
            }
        }
        Map<String, String> fromArgs =
                new LinkedHashMap<>(CommandLine.parseKeyValues(args).options());
        String configFile = fromArgs.remove(CONFIG_FLAG);
        Map<String, String> values = new LinkedHashMap<>();
        if (configFile != null) {
            values.putAll(readFile(Path.of(configFile)));
        }
        values.putAll(fromArgs);
        for (String key : values.keySet()) {
            boolean ours = prefixes.stream().anyMatch(key::startsWith);
            if (ours && !known.contains(key)) {
                throw new IllegalArgumentException(
                        "unknown option '" + key + "'; known options: " + known);
            }
        }
        return new JobConfiguration(values, prefixes);
    }

    /** Every option, ours and Flink's. */
    public Configuration all() {
        return Configuration.fromMap(values);
    }

    /** Only the keys outside the detector's namespaces, for the execution environment. */
    public Configuration flinkOnly() {
        Map<String, String> flink = new HashMap<>();
        values.forEach(
                (k, v) -> {
                    if (ownPrefixes.stream().noneMatch(k::startsWith)) {
                        flink.put(k, v);
                    }
                });
        return Configuration.fromMap(flink);
    }

    static List<ConfigOption<?>> optionsOf(Class<?> holder) {
        return java.util.Arrays.stream(holder.getFields())
                .filter(
                        f ->
                                Modifier.isStatic(f.getModifiers())
                                        && ConfigOption.class.isAssignableFrom(f.getType()))
                .map(JobConfiguration::read)
                .<ConfigOption<?>>map(o -> o)
                .toList();
    }

    private static ConfigOption<?> read(Field field) {
        try {
            return (ConfigOption<?>) field.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(field + " is public", e);
        }
    }

    private static Map<String, String> readFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "--config: cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : new TreeSet<>(properties.stringPropertyNames())) {
            values.put(key, properties.getProperty(key).strip());
        }
        return values;
    }
}
