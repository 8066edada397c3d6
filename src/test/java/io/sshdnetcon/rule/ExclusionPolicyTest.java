package io.sshdnetcon.rule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExclusionPolicyTest {

    private static final ExclusionPolicy POLICY = ExclusionPolicy.DEFAULTS;

    private static ExclusionSet set(long version, String... cidrs) {
        return new ExclusionSet(version, List.of(cidrs), List.of(), List.of());
    }

    /** Entries separated by spaces that together cover a whole family. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "0.0.0.0/0",
                "0.0.0.0/1 128.0.0.0/1",
                "128.0.0.0/2 0.0.0.0/2 192.0.0.0/2 64.0.0.0/2",
                "0.0.0.0/1 128.0.0.0/2 192.0.0.0/3 224.0.0.0/3 10.0.0.0/8",
                "::ffff:0.0.0.0/96",
                "::/0",
                "::/1 8000::/1",
                "2001:db8::/32 ::/0",
                "255.255.255.255 0.0.0.0/1 128.0.0.0/2 192.0.0.0/2"
            })
    void setsThatExcludeAWholeFamilyAreRefused(String entries) {
        ExclusionSet everything = set(1, entries.split(" "));

        assertThatThrownBy(() -> POLICY.checkCoverage(everything))
                .isInstanceOf(InvalidExclusionSetException.class)
                .hasMessageContaining("together exclude every IPv")
                .hasMessageContaining("detector.exclusions.allow-exclude-all: true")
                .hasMessageContaining("--force");
        assertThatCode(() -> new ExclusionPolicy(true, 1000, 0).checkCoverage(everything))
                .as("unless the operator allows it")
                .doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "0.0.0.0/1",
                "0.0.0.0/1 128.0.0.0/2 192.0.0.0/3 224.0.0.0/4 240.0.0.0/5 248.0.0.0/6 252.0.0.0/7"
                        + " 254.0.0.0/8 255.0.0.0/9 255.128.0.0/10",
                "::/1 8000::/2",
                "::/80 0:0:0:0:1::/80"
            })
    void setsThatLeaveAnAddressOutAreAccepted(String entries) {
        assertThatCode(() -> POLICY.checkCoverage(set(1, entries.split(" "))))
                .doesNotThrowAnyException();
    }

    @Test
    void theRulesOwnDefaultsPass() {
        assertThatCode(() -> POLICY.checkCoverage(ExclusionSetJson.defaults()))
                .doesNotThrowAnyException();
    }

    @Test
    void aVersionMayBeAtMostTheStepAhead() {
        assertThatCode(() -> POLICY.checkStep(5, set(1005))).doesNotThrowAnyException();
        assertThatThrownBy(() -> POLICY.checkStep(5, set(1006)))
                .isInstanceOf(InvalidExclusionSetException.class)
                .hasMessage(
                        "version 1006 is 1001 versions ahead of version 5 in force; at most 1000"
                                + " are allowed (detector.exclusions.max-version-step), so publish"
                                + " version 6 to 1005 instead");
        assertThatThrownBy(() -> POLICY.checkStep(0, set(Long.MAX_VALUE)))
                .hasMessageContaining("9223372036854775807 versions ahead");
        assertThatCode(
                        () ->
                                new ExclusionPolicy(false, Long.MAX_VALUE, 0)
                                        .checkStep(0, set(Long.MAX_VALUE)))
                .doesNotThrowAnyException();
    }

    @Test
    void theChainAppliesSetsInVersionOrderEachWithinTheStepOfTheOneBefore() {
        ExclusionSet base = set(0, "10.0.0.0/8");
        ExclusionSet attack = set(Long.MAX_VALUE, "0.0.0.0/0");
        ExclusionSet farAhead = set(5000, "10.0.0.0/8");
        List<ExclusionSet> topic =
                List.of(
                        set(2, "10.0.0.0/8", "2.2.2.2"),
                        attack,
                        set(1, "10.0.0.0/8", "1.1.1.1"),
                        farAhead,
                        set(900, "10.0.0.0/8", "9.9.9.9"),
                        set(1, "10.0.0.0/8", "1.1.1.0/24"));

        ExclusionPolicy.Chain chain = POLICY.chain(base, topic);

        assertThat(chain.newest()).isEqualTo(set(900, "10.0.0.0/8", "9.9.9.9"));
        assertThat(chain.refused())
                .extracting(r -> r.set().version())
                .containsExactly(5000L, Long.MAX_VALUE);
        assertThat(chain.refused().get(1).reason()).contains("exclude every IPv4 address");
        // With several records of one version, the last one read is the one compaction keeps.
        assertThat(POLICY.chain(base, topic.subList(2, 6)).refused())
                .extracting(r -> r.set().version())
                .containsExactly(5000L);
        assertThat(POLICY.chain(base, List.of(set(1, "1.1.1.1"), set(1, "1.1.1.0/24"))).newest())
                .isEqualTo(set(1, "1.1.1.0/24"));
        assertThat(POLICY.chain(base, List.of()).newest()).isSameAs(base);
    }

    @Test
    void optionsAreValidated() {
        assertThatThrownBy(() -> new ExclusionPolicy(false, 0, 0))
                .hasMessageContaining("detector.exclusions.max-version-step must be at least 1");
        assertThatThrownBy(() -> new ExclusionPolicy(false, 10, -1))
                .hasMessageContaining("detector.exclusions.reset-generation must not be negative");
    }
}
