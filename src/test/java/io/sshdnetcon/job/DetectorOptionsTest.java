package io.sshdnetcon.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sshdnetcon.rule.ExclusionPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectorOptionsTest {

    @TempDir Path dir;

    @Test
    void theExclusionPolicyDefaultsToRefusingExcludeAllAndBigJumps() {
        assertThat(DetectorOptions.read(new Configuration()).exclusionPolicy())
                .isEqualTo(new ExclusionPolicy(false, 1000, 0));

        Configuration conf = new Configuration();
        conf.setString("detector.exclusions.allow-exclude-all", "true");
        conf.setString("detector.exclusions.max-version-step", "10");
        conf.setString("detector.exclusions.reset-generation", "2");
        assertThat(DetectorOptions.read(conf).exclusionPolicy())
                .isEqualTo(new ExclusionPolicy(true, 10, 2));
    }

    @Test
    void badPolicyValuesNameTheOption() {
        Configuration step = new Configuration();
        step.setString("detector.exclusions.max-version-step", "0");
        assertThatThrownBy(() -> DetectorOptions.read(step))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("detector.exclusions.max-version-step must be at least 1");
        Configuration generation = new Configuration();
        generation.setString("detector.exclusions.reset-generation", "-1");
        assertThatThrownBy(() -> DetectorOptions.read(generation))
                .hasMessageContaining("detector.exclusions.reset-generation must not be negative");
    }

    /** The operator's own file gets the same check as the topic, and the same way out. */
    @Test
    void anExclusionsFileThatExcludesEverythingNeedsTheOperatorsConsent() throws Exception {
        Path file = dir.resolve("all.json");
        Files.writeString(
                file,
                "{\"version\":3,\"destination_cidrs\":[\"0.0.0.0/1\",\"128.0.0.0/1\"],"
                        + "\"process_executables\":[],\"process_names\":[]}");
        Configuration conf = new Configuration();
        conf.setString("detector.exclusions-file", file.toString());

        assertThatThrownBy(() -> DetectorOptions.read(conf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "detector.exclusions-file: " + file + " is not a valid exclusion set")
                .hasMessageContaining("exclude every IPv4 address");

        conf.setString("detector.exclusions.allow-exclude-all", "true");
        assertThat(DetectorOptions.read(conf).initialExclusions().version()).isEqualTo(3);
    }
}
