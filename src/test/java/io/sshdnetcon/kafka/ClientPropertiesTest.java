package io.sshdnetcon.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ClientPropertiesTest {

    @Test
    void redactsEverySensitiveKind() {
        Map<String, String> settings = new TreeMap<>();
        settings.put("security.protocol", "SASL_SSL");
        settings.put("sasl.mechanism", "PLAIN");
        settings.put("ssl.truststore.location", "/etc/ts.p12");
        settings.put("ssl.truststore.password", "s3cr3t-1");
        settings.put("ssl.key.password", "s3cr3t-2");
        settings.put("ssl.keystore.key", "-----BEGIN PRIVATE KEY-----");
        settings.put(
                "sasl.jaas.config",
                "PlainLoginModule required username=\"u\" password=\"s3cr3t-3\";");
        settings.put("sasl.oauthbearer.token.endpoint.url", "https://idp/token");
        settings.put("basic.auth.user.info.SECRET", "s3cr3t-4");
        settings.put("sasl.client.callback.handler.class", "com.example.Handler");
        settings.put("my.credentials", "s3cr3t-5");

        Map<String, String> shown = ClientProperties.redact(settings);

        assertThat(shown)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("ssl.truststore.location", "/etc/ts.p12")
                .containsEntry("sasl.client.callback.handler.class", "com.example.Handler")
                .containsEntry("ssl.truststore.password", "[redacted]")
                .containsEntry("ssl.key.password", "[redacted]")
                .containsEntry("ssl.keystore.key", "[redacted]")
                .containsEntry("sasl.jaas.config", "[redacted]")
                .containsEntry("sasl.oauthbearer.token.endpoint.url", "[redacted]")
                .containsEntry("basic.auth.user.info.SECRET", "[redacted]")
                .containsEntry("my.credentials", "[redacted]");
        assertThat(ClientProperties.describe(settings)).doesNotContain("s3cr3t", "PRIVATE");
    }

    @Test
    void providerAliasesWithoutClassAreCompleted() {
        Map<String, String> completed =
                ClientProperties.withBuiltInProviders(Map.of("config.providers", "dir"));

        assertThat(completed)
                .containsEntry(
                        "config.providers.dir.class",
                        "org.apache.kafka.common.config.provider.DirectoryConfigProvider");
    }
}
