package io.sshdnetcon.elasticsearch;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * How the sink authenticates to Elasticsearch. Holds only where secrets live ({@link SecretRef}).
 */
public sealed interface Credentials extends Serializable {

    /** No authentication (a local node with security disabled). */
    Credentials NONE = new None();

    /**
     * The {@code Authorization} header value, with the secret read now (call this inside the task).
     */
    Optional<String> authorizationHeader();

    static Credentials apiKey(SecretRef key) {
        return new ApiKey(key);
    }

    static Credentials basic(String username, SecretRef password) {
        return new Basic(username, password);
    }

    record None() implements Credentials {
        @Override
        public Optional<String> authorizationHeader() {
            return Optional.empty();
        }
    }

    /**
     * An Elasticsearch API key. The secret is the {@code encoded} value the create-API-key call and
     * Kibana show; an {@code id:api_key} pair is encoded here.
     */
    record ApiKey(SecretRef key) implements Credentials {
        public ApiKey {
            Objects.requireNonNull(key, "API key source");
        }

        @Override
        public Optional<String> authorizationHeader() {
            String value = key.resolve();
            String encoded =
                    value.indexOf(':') >= 0
                            ? Base64.getEncoder()
                                    .encodeToString(value.getBytes(StandardCharsets.UTF_8))
                            : value;
            return Optional.of("ApiKey " + encoded);
        }
    }

    /** A user name (not secret) and where its password lives. Sent preemptively. */
    record Basic(String username, SecretRef password) implements Credentials {
        public Basic {
            if (username == null || username.isBlank()) {
                throw new IllegalArgumentException("basic authentication needs a user name");
            }
            if (username.indexOf(':') >= 0) {
                throw new IllegalArgumentException("a basic-auth user name cannot contain ':'");
            }
            Objects.requireNonNull(password, "password source");
        }

        @Override
        public Optional<String> authorizationHeader() {
            String pair = username + ":" + password.resolve();
            return Optional.of(
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
    }
}
