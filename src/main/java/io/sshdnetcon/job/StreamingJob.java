package io.sshdnetcon.job;

import io.sshdnetcon.elasticsearch.ElasticsearchAlertSink;
import io.sshdnetcon.elasticsearch.ElasticsearchSinkConfig;
import io.sshdnetcon.elasticsearch.ElasticsearchSinkOptions;
import io.sshdnetcon.elasticsearch.ElasticsearchStartupCheck;
import io.sshdnetcon.kafka.DeadLetterTopicCheck;
import io.sshdnetcon.kafka.ExclusionTopic;
import io.sshdnetcon.kafka.KafkaConnectors;
import io.sshdnetcon.kafka.KafkaOptions;
import io.sshdnetcon.rule.ExclusionPolicy;
import io.sshdnetcon.rule.ExclusionSet;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streaming mode, the job users submit to a cluster: Elastic Defend events from Kafka, alerts into
 * an Elasticsearch data stream, exclusion sets updated live from a compacted Kafka topic, and
 * everything unusable (malformed events, late events, refused alerts, invalid exclusion sets) in a
 * Kafka dead-letter topic.
 *
 * <pre>
 * flink run -d sshd-netcon-detector.jar --config detector.properties [--key value ...]
 * </pre>
 *
 * <p>Options are documented in docs/configuration.md. Run with plain {@code java} it starts an
 * embedded Flink, which {@code scripts/demo.sh} uses.
 */
public final class StreamingJob {

    private static final Logger LOG = LoggerFactory.getLogger(StreamingJob.class);

    public static final ConfigOption<String> JOB_NAME =
            ConfigOptions.key("detector.job-name")
                    .stringType()
                    .defaultValue("sshd-netcon-detector")
                    .withDescription("Name of the Flink job.");

    public static final ConfigOption<Duration> EXCLUSIONS_STARTUP_TIMEOUT =
            ConfigOptions.key("detector.exclusions-startup-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "How long start-up may take to read the exclusions topic, so that the"
                                    + " first events are judged with the newest valid set (and,"
                                    + " separately, to check the dead-letter topic).");

    /** Every class that declares options of this job. */
    static final List<Class<?>> OPTION_HOLDERS =
            List.of(
                    StreamingJob.class,
                    DetectorOptions.class,
                    KafkaOptions.class,
                    ElasticsearchSinkOptions.class);

    private StreamingJob() {}

    /** Everything the streaming job needs, read and validated before anything starts. */
    public record Settings(
            DetectorOptions.Settings detector,
            KafkaOptions.Settings kafka,
            ElasticsearchSinkConfig elasticsearch,
            String jobName,
            Duration exclusionsStartupTimeout) {

        public static Settings read(Configuration conf) {
            return new Settings(
                    DetectorOptions.read(conf),
                    KafkaOptions.read(conf),
                    ElasticsearchSinkOptions.read(conf),
                    conf.get(JOB_NAME),
                    conf.get(EXCLUSIONS_STARTUP_TIMEOUT));
        }
    }

    public static void main(String[] args) throws Exception {
        JobConfiguration configuration;
        Settings settings;
        try {
            configuration = JobConfiguration.parse(args, OPTION_HOLDERS);
            settings = Settings.read(configuration.all());
        } catch (IllegalArgumentException e) {
            System.err.println("sshd-netcon-detector: " + e.getMessage());
            System.exit(2);
            return;
        }
        LOG.info("Kafka: {}", settings.kafka());
        LOG.info("Elasticsearch: {}", settings.elasticsearch());
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        PipelineSettings.apply(configuration.flinkOnly()));
        try {
            requireCheckpointing(env);
        } catch (IllegalArgumentException e) {
            System.err.println("sshd-netcon-detector: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            ElasticsearchStartupCheck.run(settings.elasticsearch());
        } catch (ElasticsearchStartupCheck.Refused e) {
            System.err.println("sshd-netcon-detector: " + e.getMessage());
            System.exit(2);
            return;
        }
        ExclusionSet initial;
        try {
            initial = startUpExclusions(settings);
        } catch (RuntimeException e) {
            System.err.println(
                    "sshd-netcon-detector: cannot read the exclusions topic '"
                            + settings.kafka().exclusionsTopic()
                            + "' at "
                            + settings.kafka().bootstrapServers()
                            + ": "
                            + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            requireDeadLetterTopic(settings);
        } catch (RuntimeException e) {
            System.err.println(
                    "sshd-netcon-detector: cannot use the dead-letter topic '"
                            + settings.kafka().deadLetterTopic()
                            + "' at "
                            + settings.kafka().bootstrapServers()
                            + ": "
                            + e.getMessage());
            System.exit(2);
            return;
        }

        build(env, settings, initial);
        long start = System.nanoTime();
        JobExecutionResult result = env.execute(settings.jobName());
        if (settings.kafka().stopAtLatest()) {
            System.err.println(
                    JobSummary.from(
                                    result.getAllAccumulatorResults(),
                                    Duration.ofNanos(System.nanoTime() - start))
                            .line("backfill"));
        }
    }

    /** Adds the detector, wired to Kafka and Elasticsearch, to {@code env}. */
    public static void build(
            StreamExecutionEnvironment env, Settings settings, ExclusionSet initial) {
        KafkaOptions.Settings kafka = settings.kafka();
        Connectors connectors =
                Connectors.streaming(
                        KafkaConnectors.eventsSource(kafka, settings.detector().parser()),
                        KafkaConnectors.exclusionsSource(kafka),
                        ElasticsearchAlertSink.create(
                                settings.elasticsearch(),
                                KafkaConnectors.deadLetterPublisherFactory(kafka)),
                        KafkaConnectors.deadLetterSink(kafka),
                        KafkaConnectors.deadLetterSink(kafka));
        DetectorJob.build(
                env,
                initial,
                settings.detector().exclusionPolicy(),
                settings.detector().hostTime(!kafka.stopAtLatest()),
                connectors);
    }

    /**
     * Refuses to run without checkpoints, wherever the interval comes from (the cluster's
     * configuration, {@code -D}, or the job's options when embedded). Without them the Kafka
     * offsets, the pending sequences, the exclusion set in force and whatever the sinks hold are
     * never saved, so any restart loses or repeats work silently.
     *
     * @throws IllegalArgumentException saying how to turn checkpointing on
     */
    static void requireCheckpointing(StreamExecutionEnvironment env) {
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            throw new IllegalArgumentException(
                    "checkpointing is off; set execution.checkpointing.interval (for example"
                            + " '--execution.checkpointing.interval 10s', or in the cluster's"
                            + " config.yaml as flink-conf/config.yaml does). Without checkpoints a"
                            + " restart loses the Kafka offsets, pending sequences and buffered"
                            + " alerts and dead letters");
        }
    }

    /**
     * The dead-letter topic exists and the job's principal may write it: at run time an unavailable
     * topic only fills a bounded buffer, so one that is unusable from the start must stop the start
     * instead.
     *
     * @throws RuntimeException naming the problem
     */
    static void requireDeadLetterTopic(Settings settings) {
        String topic = settings.kafka().deadLetterTopic();
        DeadLetterTopicCheck.Result result =
                DeadLetterTopicCheck.requireWritable(
                        settings.kafka().clientConfig(),
                        topic,
                        settings.exclusionsStartupTimeout());
        if (result == DeadLetterTopicCheck.Result.NO_AUTHORIZER) {
            LOG.warn(
                    "The Kafka brokers run no authorizer: any client may write the dead-letter and"
                        + " exclusions topics (docs/security.md, \"Kafka ACLs\"). Dead-letter topic"
                        + " '{}' exists.",
                    topic);
        } else {
            LOG.info("Dead-letter topic '{}' exists and the job may write it", topic);
        }
    }

    /**
     * The set in force from the first event: the configured one (file or defaults), then the
     * topic's valid sets in version order, each only if the exclusion policy allows it from the set
     * before (a version far ahead, or a set excluding every address, is refused here exactly as the
     * running job refuses it). Without this, events could be judged with the defaults for a moment
     * while the control stream catches up.
     */
    static ExclusionSet startUpExclusions(Settings settings) {
        ExclusionSet configured = settings.detector().initialExclusions();
        ExclusionPolicy.Chain chain =
                ExclusionTopic.readInForce(
                        settings.kafka().clientConfig(),
                        settings.kafka().exclusionsTopic(),
                        settings.exclusionsStartupTimeout(),
                        configured,
                        settings.detector().exclusionPolicy());
        for (ExclusionPolicy.Refusal refusal : chain.refused()) {
            LOG.warn(
                    "Exclusion set on topic {} refused at start-up: {}",
                    settings.kafka().exclusionsTopic(),
                    refusal.reason());
        }
        LOG.info(
                "Exclusion set at start-up: {} (configured: {}, topic {})",
                chain.newest(),
                configured,
                settings.kafka().exclusionsTopic());
        return chain.newest();
    }
}
