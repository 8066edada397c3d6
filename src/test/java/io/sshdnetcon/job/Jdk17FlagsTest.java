package io.sshdnetcon.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.junit.jupiter.api.Test;

/**
 * The JDK 17 module flags have one copy, {@code flink-conf/jdk17-flags.properties}. The pom and the
 * scripts read it; {@code flink-conf/config.yaml} keeps its own {@code env.java.opts.all}, because
 * a Flink distribution reads that file as it is (users copy it), so it must say the same.
 */
class Jdk17FlagsTest {

    private static final Path FLINK_CONF = Path.of("flink-conf");

    @Test
    void theOneCopyHoldsModuleFlagsOnly() throws IOException {
        assertThat(theOneCopy())
                .hasSizeGreaterThanOrEqualTo(15)
                .doesNotHaveDuplicates()
                .allMatch(
                        flag -> flag.matches("--add-(opens|exports)=[\\w.]+/[\\w.]+=ALL-UNNAMED"),
                        "a module flag");
    }

    /** What the JobManager, the TaskManagers and the CLI of scripts/flink-cluster.sh get. */
    @Test
    void configYamlGivesTheClusterTheSameFlags() throws IOException {
        Configuration config = GlobalConfiguration.loadConfiguration(FLINK_CONF.toString());

        assertThat(words(config.get(CoreOptions.FLINK_JVM_OPTIONS)))
                .containsExactlyElementsOf(theOneCopy());
    }

    /** The pom passes them to the surefire and failsafe JVMs, this one included. */
    @Test
    void theTestJvmRunsWithThem() throws IOException {
        List<String> moduleFlags =
                ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                        .filter(argument -> argument.startsWith("--add-"))
                        .toList();

        assertThat(moduleFlags).containsExactlyElementsOf(theOneCopy());
    }

    /** scripts/lib/project.sh launches replay, the demo's job and the tools with them. */
    @Test
    void theScriptsLaunchJavaWithThem() throws Exception {
        Process bash =
                new ProcessBuilder(
                                "bash",
                                "-c",
                                "source scripts/lib/project.sh && printf '%s\\n"
                                        + "' \"${JDK17_OPENS[@]}\"")
                        .redirectErrorStream(true)
                        .start();
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(bash.exitValue()).as(output).isZero();
        assertThat(output.lines().toList()).containsExactlyElementsOf(theOneCopy());
    }

    private static List<String> theOneCopy() throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(FLINK_CONF.resolve("jdk17-flags.properties"))) {
            properties.load(in);
        }
        assertThat(properties.stringPropertyNames()).containsExactly("jdk17.opens");
        return words(properties.getProperty("jdk17.opens"));
    }

    private static List<String> words(String value) {
        return Arrays.stream(value.strip().split("\\s+")).filter(word -> !word.isEmpty()).toList();
    }
}
