package io.sshdnetcon.tools;

import io.sshdnetcon.job.CommandLine;
import io.sshdnetcon.kafka.ClientProperties;
import io.sshdnetcon.kafka.KafkaOptions;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;

/** Client settings of the command-line tools: the same rules as the job's {@link KafkaOptions}. */
final class ToolClients {

    static final String BOOTSTRAP_SERVERS = "--bootstrap-servers";
    static final String PROPERTIES_FILE = "--properties-file";

    private ToolClients() {}

    /**
     * @throws CommandLine.UsageException for a malformed broker list or an unusable properties file
     */
    static Map<String, String> config(CommandLine command) {
        Map<String, String> config = new TreeMap<>();
        String file = command.options().get(PROPERTIES_FILE);
        try {
            if (file != null) {
                config.putAll(ClientProperties.load(Path.of(file), PROPERTIES_FILE));
            }
            config.put(
                    CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                    KafkaOptions.bootstrapServers(
                            command.required(BOOTSTRAP_SERVERS), BOOTSTRAP_SERVERS));
        } catch (CommandLine.UsageException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException(e.getMessage());
        }
        return config;
    }

    /** An I/O error in words; some exceptions carry only the path as their message. */
    static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    static String topic(CommandLine command, String fallback) {
        String topic = command.option("--topic", fallback);
        try {
            return KafkaOptions.topic("--topic", topic);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException(e.getMessage());
        }
    }
}
