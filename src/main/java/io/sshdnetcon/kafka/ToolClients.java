package io.sshdnetcon.kafka;

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

    static String topic(CommandLine command, String fallback) {
        String topic = command.option("--topic", fallback);
        try {
            return KafkaOptions.topic("--topic", topic);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException(e.getMessage());
        }
    }
}
