package io.sshdnetcon.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.junit.jupiter.api.Test;

/** The decision on what the brokers said; {@code DeadLetterTopicCheckITCase} asks a real one. */
class DeadLetterTopicCheckTest {

    @Test
    void withAnAuthorizerThePrincipalNeedsWrite() {
        assertThatThrownBy(
                        () ->
                                DeadLetterTopicCheck.judge(
                                        "dlq",
                                        Set.of(AclOperation.READ, AclOperation.DESCRIBE),
                                        true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("may not WRITE the dead-letter topic 'dlq'")
                .hasMessageContaining("Kafka ACLs");
        assertThat(
                        DeadLetterTopicCheck.judge(
                                "dlq", Set.of(AclOperation.WRITE, AclOperation.DESCRIBE), true))
                .isEqualTo(DeadLetterTopicCheck.Result.WRITE_AUTHORIZED);
        assertThat(DeadLetterTopicCheck.judge("dlq", Set.of(AclOperation.ALL), true))
                .isEqualTo(DeadLetterTopicCheck.Result.WRITE_AUTHORIZED);
    }

    /** Brokers without an authorizer report every operation; that is said, not taken as a grant. */
    @Test
    void withoutAnAuthorizerTheAnswerSaysSo() {
        assertThat(DeadLetterTopicCheck.judge("dlq", Set.of(AclOperation.values()), false))
                .isEqualTo(DeadLetterTopicCheck.Result.NO_AUTHORIZER);
        assertThat(DeadLetterTopicCheck.judge("dlq", Set.of(), false))
                .isEqualTo(DeadLetterTopicCheck.Result.NO_AUTHORIZER);
    }
}
