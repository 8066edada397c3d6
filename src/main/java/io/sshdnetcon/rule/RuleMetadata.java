package io.sshdnetcon.rule;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The rule as data (id, name, scoring, MITRE ATT&CK mapping), loaded once from {@code
 * rule/rule.json} so no alert field is a scattered string literal.
 */
public record RuleMetadata(
        String ruleId,
        String name,
        String version,
        String description,
        String severity,
        int riskScore,
        List<String> author,
        String license,
        List<String> reference,
        String ruleset,
        String category,
        Threat threat) {

    /** MITRE ATT&CK mapping; ECS flattens each level into parallel arrays. */
    public record Threat(
            String framework,
            List<ThreatItem> tactics,
            List<ThreatItem> techniques,
            List<ThreatItem> subtechniques) {}

    public record ThreatItem(String id, String name, String reference) {}

    private static final String RESOURCE = "/rule/rule.json";

    private static final RuleMetadata INSTANCE = load();

    public static RuleMetadata get() {
        return INSTANCE;
    }

    private static RuleMetadata load() {
        ObjectMapper mapper =
                JsonMapper.builder()
                        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                        .build();
        try (InputStream in = RuleMetadata.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return mapper.readValue(in, RuleMetadata.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
