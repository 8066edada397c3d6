package io.sshdnetcon.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The streaming job's start-up check of its dead-letter topic: it exists, and the job's principal
 * may write it. At run time an unavailable topic only fills a bounded buffer ({@link
 * DeadLetterBuffer}), so a topic that is missing or forbidden from the start must be caught here,
 * or dead letters would be dropped from the first one on.
 *
 * <p>Whether the principal may write comes from the brokers' own answer ({@code describeTopics}
 * with the authorized operations). Brokers without an authorizer report every operation as
 * authorized, which is true: anyone may then write. That case is told apart (the brokers refuse
 * {@code describeAcls} with {@link SecurityDisabledException}) and reported as such.
 */
public final class DeadLetterTopicCheck {

    /** What the check found. */
    public enum Result {
        /** The topic exists and the brokers' authorizer lets the job's principal write it. */
        WRITE_AUTHORIZED,
        /** The topic exists; the brokers run no authorizer, so any client may write it. */
        NO_AUTHORIZER
    }

    private DeadLetterTopicCheck() {}

    /**
     * @throws IllegalStateException naming the topic and what is wrong: missing, not describable,
     *     or not writable by the job's principal
     * @throws KafkaException if the brokers do not answer within {@code timeout}
     */
    public static Result requireWritable(
            Map<String, String> clientConfig, String topic, Duration timeout) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        try (Admin admin = Admin.create(config)) {
            TopicDescription description;
            try {
                description =
                        admin.describeTopics(
                                        List.of(topic),
                                        new DescribeTopicsOptions()
                                                .includeAuthorizedOperations(true))
                                .allTopicNames()
                                .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                                .get(topic);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    throw new IllegalStateException(
                            "dead-letter topic '"
                                    + topic
                                    + "' does not exist; the job does not"
                                    + " create topics. Create it, for example: scripts/kafka.sh"
                                    + " create-topic "
                                    + topic,
                            e.getCause());
                }
                if (e.getCause() instanceof TopicAuthorizationException) {
                    throw new IllegalStateException(notAuthorized(topic, "DESCRIBE"), e.getCause());
                }
                throw new KafkaException(
                        "cannot describe '" + topic + "': " + e.getCause(), e.getCause());
            }
            boolean authorizer = hasAuthorizer(admin, timeout);
            return judge(topic, description.authorizedOperations(), authorizer);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new KafkaException("no answer about '" + topic + "' within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while checking '" + topic + "'", e);
        }
    }

    /**
     * The decision, given what the brokers said.
     *
     * @param authorized the principal's authorized operations on the topic (null if the brokers did
     *     not say)
     */
    static Result judge(String topic, Set<AclOperation> authorized, boolean authorizer) {
        if (!authorizer) {
            return Result.NO_AUTHORIZER;
        }
        if (authorized == null) {
            // Old brokers do not report operations; the producer's first send will tell.
            return Result.WRITE_AUTHORIZED;
        }
        if (!authorized.contains(AclOperation.WRITE) && !authorized.contains(AclOperation.ALL)) {
            throw new IllegalStateException(
                    notAuthorized(topic, "WRITE") + " (authorized: " + authorized + ")");
        }
        return Result.WRITE_AUTHORIZED;
    }

    private static boolean hasAuthorizer(Admin admin, Duration timeout)
            throws InterruptedException, java.util.concurrent.TimeoutException {
        try {
            admin.describeAcls(AclBindingFilter.ANY)
                    .values()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SecurityDisabledException) {
                return false;
            }
            if (e.getCause() instanceof ClusterAuthorizationException) {
                return true; // an authorizer refused: one is on
            }
            throw new KafkaException(
                    "cannot tell whether the brokers run an authorizer: " + e.getCause(),
                    e.getCause());
        }
    }

    private static String notAuthorized(String topic, String operation) {
        return "the job's Kafka principal may not "
                + operation
                + " the dead-letter topic '"
                + topic
                + "'; it needs WRITE and DESCRIBE on it (docs/security.md, \"Kafka ACLs\")";
    }
}
