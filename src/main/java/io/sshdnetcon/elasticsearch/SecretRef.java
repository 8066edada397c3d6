package io.sshdnetcon.elasticsearch;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a secret lives: an environment variable or a file, never the value itself. The value is
 * read only inside the task that needs it (the TaskManager's environment and file system), so it
 * never travels in the job graph, in arguments or in {@link #toString()}.
 *
 * @param environmentVariable name of the variable that holds the secret, or null
 * @param file path of a file whose content (surrounding whitespace stripped) is the secret, or null
 */
public record SecretRef(String environmentVariable, String file) implements Serializable {

    public SecretRef {
        boolean hasVariable = environmentVariable != null && !environmentVariable.isBlank();
        boolean hasFile = file != null && !file.isBlank();
        if (hasVariable == hasFile) {
            throw new IllegalArgumentException(
                    "a secret needs exactly one source: an environment variable name or a file"
                            + " path");
        }
        environmentVariable = hasVariable ? environmentVariable.strip() : null;
        file = hasFile ? file.strip() : null;
    }

    public static SecretRef environmentVariable(String name) {
        return new SecretRef(name, null);
    }

    public static SecretRef file(String path) {
        return new SecretRef(null, path);
    }

    /**
     * Reads the secret. Error messages name the source, never the value.
     *
     * @throws IllegalStateException if the variable is unset or the file unreadable, or either is
     *     empty
     */
    public String resolve() {
        String value;
        if (environmentVariable != null) {
            value = System.getenv(environmentVariable);
            if (value == null) {
                throw new IllegalStateException(
                        "environment variable " + environmentVariable + " is not set");
            }
        } else {
            try {
                value = Files.readString(Path.of(file), StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException(
                        "cannot read the secret file " + file + ": " + e.getClass().getSimpleName(),
                        e);
            }
        }
        value = value.strip();
        if (value.isEmpty()) {
            throw new IllegalStateException(this + " is empty");
        }
        return value;
    }

    @Override
    public String toString() {
        return environmentVariable != null
                ? "environment variable " + environmentVariable
                : "file " + file;
    }
}
