package io.sshdnetcon.job;

import io.sshdnetcon.event.JsonReadLimits;
import io.sshdnetcon.parse.EcsEventParser;
import io.sshdnetcon.parse.ParserSettings;
import io.sshdnetcon.parse.Validation;
import io.sshdnetcon.rule.ExclusionPolicy;
import io.sshdnetcon.rule.ExclusionSet;
import io.sshdnetcon.rule.ExclusionSetJson;
import io.sshdnetcon.rule.InvalidExclusionSetException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

/** Detection options shared by every mode. docs/configuration.md documents them in one table. */
public final class DetectorOptions {

    public static final ConfigOption<Duration> MAX_OUT_OF_ORDERNESS =
            ConfigOptions.key("detector.max-out-of-orderness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription(
                            "How far behind the newest event time of its own host (host.id) an"
                                    + " event may arrive and still be matched; later ones are"
                                    + " dead-lettered as late. No other host's time counts. A"
                                    + " sequence is judged once its host's time has moved this"
                                    + " far past it, so the bound is also the detection delay in"
                                    + " host time.");

    public static final ConfigOption<Duration> IDLENESS =
            ConfigOptions.key("detector.idleness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "A host's waiting events are judged on what has arrived once this"
                                    + " much processing time has passed since its last candidate"
                                    + " or the last release its own time caused: they are matched"
                                    + " without waiting for its time to move on. Unbounded"
                                    + " streaming only: replay and a backfill"
                                    + " (kafka.stop-at-latest) release everything at the end of"
                                    + " their input.");

    public static final ConfigOption<Duration> HOST_STATE_RETENTION =
            ConfigOptions.key("detector.host-state-retention")
                    .durationType()
                    .defaultValue(Duration.ofHours(1))
                    .withDescription(
                            "A host that sends nothing for this long (processing time, at least"
                                    + " detector.idleness) is forgotten: its newest time is"
                                    + " dropped from state, so its next event is not judged late"
                                    + " against a time it set long ago. Unbounded streaming only.");

    public static final ConfigOption<Integer> MAX_RECORD_BYTES =
            ConfigOptions.key("detector.max-record-bytes")
                    .intType()
                    .defaultValue(EcsEventParser.DEFAULT_MAX_RECORD_BYTES)
                    .withDescription(
                            "Larger input records are dead-lettered. At most 104857600 (100 MiB,"
                                    + " Elasticsearch's http.max_content_length).");

    public static final ConfigOption<Validation> VALIDATE =
            ConfigOptions.key("detector.validate")
                    .enumType(Validation.class)
                    .defaultValue(Validation.ALL)
                    .withDescription(
                            "ALL: every record is parsed and validated; every malformed record is"
                                    + " dead-lettered. CANDIDATES: a byte prefilter rules out"
                                    + " records that cannot be a candidate; they are counted as"
                                    + " skipped, only their @timestamp and host.id are read (to"
                                    + " move their host's time), and nothing else in them is"
                                    + " validated. Malformed candidates are dead-lettered in"
                                    + " both. (docs/bad-input.md, Validation modes)");

    public static final ConfigOption<String> EXCLUSIONS_FILE =
            ConfigOptions.key("detector.exclusions-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "JSON exclusion set applied from the start instead of the rule's"
                                    + " defaults.");

    public static final ConfigOption<Boolean> EXCLUSIONS_ALLOW_EXCLUDE_ALL =
            ConfigOptions.key(ExclusionPolicy.ALLOW_EXCLUDE_ALL_OPTION)
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Accept exclusion sets whose destination ranges together cover every"
                                    + " IPv4 or every IPv6 address (detection off for that"
                                    + " family). Off: such sets are dead-lettered.");

    public static final ConfigOption<Long> EXCLUSIONS_MAX_VERSION_STEP =
            ConfigOptions.key(ExclusionPolicy.MAX_VERSION_STEP_OPTION)
                    .longType()
                    .defaultValue(ExclusionPolicy.DEFAULT_MAX_VERSION_STEP)
                    .withDescription(
                            "How many versions a new exclusion set may be ahead of the set in"
                                    + " force; a larger jump is dead-lettered, so one record"
                                    + " cannot put the version out of reach.");

    public static final ConfigOption<Long> EXCLUSIONS_RESET_GENERATION =
            ConfigOptions.key("detector.exclusions.reset-generation")
                    .longType()
                    .defaultValue(0L)
                    .withDescription(
                            "Raise it (by one) when starting from a savepoint to discard the"
                                    + " exclusion set stored in it; the start-up set applies."
                                    + " Kept in state, so later restores of that run keep their"
                                    + " sets.");

    private DetectorOptions() {}

    /** Typed, validated view of the options. */
    public record Settings(
            Duration maxOutOfOrderness,
            Duration idleness,
            Duration hostStateRetention,
            ParserSettings parser,
            ExclusionSet initialExclusions,
            ExclusionPolicy exclusionPolicy) {

        /**
         * @param live whether the input is unbounded, so that a silent host's events must be
         *     released after {@link #idleness}; a bounded input releases them at its end
         */
        public DetectorJob.HostTime hostTime(boolean live) {
            return new DetectorJob.HostTime(
                    maxOutOfOrderness, live ? idleness : null, hostStateRetention);
        }
    }

    /**
     * @throws IllegalArgumentException with a message naming the option, for any invalid value
     */
    public static Settings read(Configuration conf) {
        Duration bound = conf.get(MAX_OUT_OF_ORDERNESS);
        if (bound.isNegative()) {
            throw new IllegalArgumentException(
                    MAX_OUT_OF_ORDERNESS.key() + " must not be negative");
        }
        Duration idleness = conf.get(IDLENESS);
        if (idleness.isNegative() || idleness.isZero()) {
            throw new IllegalArgumentException(IDLENESS.key() + " must be positive");
        }
        Duration retention = conf.get(HOST_STATE_RETENTION);
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException(HOST_STATE_RETENTION.key() + " must be positive");
        }
        int maxRecordBytes = conf.get(MAX_RECORD_BYTES);
        if (maxRecordBytes < 1024 || maxRecordBytes > JsonReadLimits.MAX_DOCUMENT_BYTES) {
            throw new IllegalArgumentException(
                    MAX_RECORD_BYTES.key()
                            + " must be between 1024 and "
                            + JsonReadLimits.MAX_DOCUMENT_BYTES
                            + " (Elasticsearch's largest request)");
        }
        // The constructor names the option of a value out of range.
        ExclusionPolicy policy =
                new ExclusionPolicy(
                        conf.get(EXCLUSIONS_ALLOW_EXCLUDE_ALL),
                        conf.get(EXCLUSIONS_MAX_VERSION_STEP),
                        conf.get(EXCLUSIONS_RESET_GENERATION));
        ExclusionSet exclusions =
                conf.getOptional(EXCLUSIONS_FILE)
                        .map(file -> readExclusions(file, policy))
                        .orElseGet(ExclusionSetJson::defaults);
        return new Settings(
                bound,
                idleness,
                retention,
                new ParserSettings(maxRecordBytes, conf.get(VALIDATE)),
                exclusions,
                policy);
    }

    private static ExclusionSet readExclusions(String file, ExclusionPolicy policy) {
        try {
            ExclusionSet set = ExclusionSetJson.parse(Files.readAllBytes(Path.of(file)));
            // The operator's own file, but the same mistake: say so before anything runs.
            policy.checkCoverage(set);
            return set;
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    EXCLUSIONS_FILE.key() + ": cannot read " + file + ": " + e.getMessage(), e);
        } catch (InvalidExclusionSetException e) {
            throw new IllegalArgumentException(
                    EXCLUSIONS_FILE.key()
                            + ": "
                            + file
                            + " is not a valid exclusion set: "
                            + e.getMessage(),
                    e);
        }
    }
}
