package io.sshdnetcon.job;

import io.sshdnetcon.elasticsearch.BulkCreate;
import io.sshdnetcon.elasticsearch.BulkCreateStateSerializer;
import io.sshdnetcon.event.RuleEvent;
import io.sshdnetcon.rule.ApplyExclusions;
import io.sshdnetcon.rule.ExclusionSet;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.cep.nfa.ComputationState;
import org.apache.flink.cep.nfa.NFAState;
import org.apache.flink.cep.nfa.NFAStateSerializer;
import org.apache.flink.cep.nfa.sharedbuffer.EventId;
import org.apache.flink.cep.nfa.sharedbuffer.Lockable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplitSerializer;
import org.apache.flink.core.io.SimpleVersionedSerialization;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

/**
 * What a savepoint of the detector holds, read with the State Processor API: CEP's pending
 * sequences per key, the Kafka sources' positions, the exclusion sets in broadcast state, and the
 * alerts the Elasticsearch sink had not delivered yet. Each read is a small batch job on the
 * current (mini) cluster.
 *
 * <p>The state names and serializers of CEP ({@code CepOperator}, {@code SharedBuffer} in flink-cep
 * 2.2), sources ({@code SourceOperator}) and sinks ({@code StatefulSinkWriterStateHandler}) are
 * Flink's: this class is the only place that knows them.
 */
final class SavepointState {

    /** CepOperator: the NFA's partial matches per key. */
    static final String NFA_STATE = "nfaStateName";

    /** CepOperator: events waiting for the watermark, by timestamp. */
    static final String EVENT_QUEUE_STATE = "eventQueuesStateName";

    /** SharedBuffer: the events partial matches refer to. */
    static final String SHARED_BUFFER_EVENTS_STATE = "sharedBuffer-events";

    /** SourceOperator: the reader's splits, each serialized with the source's split serializer. */
    static final String SOURCE_READER_STATE = "SourceReaderState";

    /**
     * SinkWriterOperator: the writer's state, serialized with the sink's writer state serializer.
     */
    static final String SINK_WRITER_STATE = "writer_raw_states";

    private final String path;

    private SavepointState(String path) {
        this.path = path;
    }

    static SavepointState of(String savepointPath) {
        return new SavepointState(savepointPath);
    }

    /** One step a partial match has taken: the pattern stage and the event's time. */
    public record Step(String stage, long timestamp) {}

    /**
     * A partial match of the NFA.
     *
     * @param state the NFA state it waits in
     * @param startTimestamp when its first event happened (the window runs from here)
     * @param lastStep the stage and time of its latest event; null for the start state, which has
     *     taken nothing
     */
    public record PartialMatch(String state, long startTimestamp, Step lastStep) {}

    /**
     * The CEP operator's state for one key.
     *
     * @param partialMatches the NFA's partial matches, start state included
     * @param bufferedEvents events the NFA holds in its shared buffer (taken by partial matches)
     * @param queuedEvents events still waiting for the watermark, not yet seen by the NFA
     */
    public record CepKeyState(
            String key,
            List<PartialMatch> partialMatches,
            List<RuleEvent> bufferedEvents,
            List<RuleEvent> queuedEvents) {

        /** The partial matches that have taken an exec and wait for its connection. */
        List<PartialMatch> pendingExecs() {
            return partialMatches.stream().filter(m -> m.lastStep() != null).toList();
        }
    }

    /** CEP's state ({@link Uids#EXEC_THEN_CONNECT}) by key. */
    Map<String, CepKeyState> cep() throws Exception {
        StreamExecutionEnvironment env = environment();
        Map<String, CepKeyState> byKey = new HashMap<>();
        for (CepKeyState state :
                collect(
                        SavepointReader.read(env, path)
                                .readKeyedState(
                                        OperatorIdentifier.forUid(Uids.EXEC_THEN_CONNECT),
                                        new ReadCep())
                                .executeAndCollect())) {
            byKey.put(state.key(), state);
        }
        return byKey;
    }

    /**
     * An exec the gate ({@link Uids#PENDING_EXEC_GATE}) holds for its key.
     *
     * @param state 0 held only there, 1 pending in CEP, 2 consumed by a match
     */
    public record GateKeyState(String key, RuleEvent exec, byte state) {}

    /** The gate's state by key. */
    Map<String, GateKeyState> gate() throws Exception {
        Map<String, GateKeyState> byKey = new HashMap<>();
        for (GateKeyState state :
                collect(
                        SavepointReader.read(environment(), path)
                                .readKeyedState(
                                        OperatorIdentifier.forUid(Uids.PENDING_EXEC_GATE),
                                        new ReadGate())
                                .executeAndCollect())) {
            byKey.put(state.key(), state);
        }
        return byKey;
    }

    /** The splits (partition and next offset to read) of the Kafka source with uid {@code uid}. */
    List<KafkaPartitionSplit> kafkaSplits(String uid) throws Exception {
        StreamExecutionEnvironment env = environment();
        KafkaPartitionSplitSerializer serializer = new KafkaPartitionSplitSerializer();
        List<KafkaPartitionSplit> splits = new ArrayList<>();
        for (byte[] bytes :
                collect(
                        SavepointReader.read(env, path)
                                .readListState(
                                        OperatorIdentifier.forUid(uid),
                                        SOURCE_READER_STATE,
                                        PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)
                                .executeAndCollect())) {
            splits.add(SimpleVersionedSerialization.readVersionAndDeSerialize(serializer, bytes));
        }
        return splits;
    }

    /** The next offset to read of each partition of the Kafka source with uid {@code uid}. */
    Map<Integer, Long> kafkaPositions(String uid) throws Exception {
        Map<Integer, Long> positions = new java.util.TreeMap<>();
        for (KafkaPartitionSplit split : kafkaSplits(uid)) {
            positions.put(split.getPartition(), split.getStartingOffset());
        }
        return positions;
    }

    /**
     * The alerts the Elasticsearch sink ({@link Uids#ALERTS_SINK}) had buffered, not yet stored,
     * read with its own state serializer.
     */
    List<BulkCreate> bufferedAlerts() throws Exception {
        BulkCreateStateSerializer serializer = new BulkCreateStateSerializer();
        List<BulkCreate> alerts = new ArrayList<>();
        for (byte[] bytes :
                collect(
                        SavepointReader.read(environment(), path)
                                .readListState(
                                        OperatorIdentifier.forUid(Uids.ALERTS_SINK),
                                        SINK_WRITER_STATE,
                                        PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)
                                .executeAndCollect())) {
            BufferedRequestState<BulkCreate> state =
                    SimpleVersionedSerialization.readVersionAndDeSerialize(serializer, bytes);
            for (RequestEntryWrapper<BulkCreate> entry : state.getBufferedRequestEntries()) {
                alerts.add(entry.getRequestEntry());
            }
        }
        return alerts;
    }

    /**
     * The broadcast state of {@link Uids#APPLY_EXCLUSIONS} ({@link
     * ApplyExclusions#stateDescriptor()}): the active set under the key {@code active}.
     */
    Map<String, ExclusionSet> exclusionSets() throws Exception {
        MapStateDescriptor<String, ExclusionSet> descriptor = ApplyExclusions.stateDescriptor();
        Map<String, ExclusionSet> sets = new HashMap<>();
        for (Tuple2<String, ExclusionSet> entry :
                collect(
                        SavepointReader.read(environment(), path)
                                .readBroadcastState(
                                        OperatorIdentifier.forUid(Uids.APPLY_EXCLUSIONS),
                                        descriptor.getName(),
                                        Types.STRING,
                                        TypeInformation.of(ExclusionSet.class))
                                .executeAndCollect())) {
            sets.put(entry.f0, entry.f1);
        }
        return sets;
    }

    private static StreamExecutionEnvironment environment() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        return env;
    }

    private static <T> List<T> collect(CloseableIterator<T> iterator) throws IOException {
        List<T> all = new ArrayList<>();
        try (iterator) {
            iterator.forEachRemaining(all::add);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
        return all;
    }

    /** Reads the three CEP states of each key with the serializers CepOperator registers. */
    static final class ReadCep extends KeyedStateReaderFunction<String, CepKeyState> {
        private static final long serialVersionUID = 1L;

        private transient ValueState<NFAState> nfa;
        private transient MapState<EventId, Lockable<RuleEvent>> sharedBufferEvents;
        private transient MapState<Long, List<RuleEvent>> eventQueue;

        @Override
        public void open(OpenContext openContext) {
            TypeSerializer<RuleEvent> events =
                    getRuntimeContext().createSerializer(TypeInformation.of(RuleEvent.class));
            nfa =
                    getRuntimeContext()
                            .getState(
                                    new ValueStateDescriptor<>(
                                            NFA_STATE, new NFAStateSerializer()));
            sharedBufferEvents =
                    getRuntimeContext()
                            .getMapState(
                                    new MapStateDescriptor<>(
                                            SHARED_BUFFER_EVENTS_STATE,
                                            EventId.EventIdSerializer.INSTANCE,
                                            new Lockable.LockableTypeSerializer<>(events)));
            eventQueue =
                    getRuntimeContext()
                            .getMapState(
                                    new MapStateDescriptor<>(
                                            EVENT_QUEUE_STATE,
                                            LongSerializer.INSTANCE,
                                            new ListSerializer<>(events)));
        }

        @Override
        public void readKey(String key, Context ctx, Collector<CepKeyState> out) throws Exception {
            List<PartialMatch> partialMatches = new ArrayList<>();
            NFAState state = nfa.value();
            if (state != null) {
                for (ComputationState match : state.getPartialMatches()) {
                    Step last =
                            match.getPreviousBufferEntry() == null
                                    ? null
                                    : new Step(
                                            match.getPreviousBufferEntry().getPageName(),
                                            match.getPreviousBufferEntry()
                                                    .getEventId()
                                                    .getTimestamp());
                    partialMatches.add(
                            new PartialMatch(
                                    match.getCurrentStateName(), match.getStartTimestamp(), last));
                }
            }
            List<RuleEvent> buffered = new ArrayList<>();
            for (Lockable<RuleEvent> event : sharedBufferEvents.values()) {
                buffered.add(event.getElement());
            }
            List<RuleEvent> queued = new ArrayList<>();
            for (List<RuleEvent> events : eventQueue.values()) {
                queued.addAll(events);
            }
            out.collect(new CepKeyState(key, partialMatches, buffered, queued));
        }
    }

    /** Reads the gate's two values of each key (names as {@code PendingExecGate} declares them). */
    static final class ReadGate extends KeyedStateReaderFunction<String, GateKeyState> {
        private static final long serialVersionUID = 1L;

        private transient ValueState<RuleEvent> exec;
        private transient ValueState<Byte> execState;

        @Override
        public void open(OpenContext openContext) {
            exec =
                    getRuntimeContext()
                            .getState(
                                    new ValueStateDescriptor<>(
                                            "latest-exec", TypeInformation.of(RuleEvent.class)));
            execState =
                    getRuntimeContext()
                            .getState(new ValueStateDescriptor<>("latest-exec-state", Types.BYTE));
        }

        @Override
        public void readKey(String key, Context ctx, Collector<GateKeyState> out) throws Exception {
            if (exec.value() != null) {
                out.collect(new GateKeyState(key, exec.value(), execState.value()));
            }
        }
    }
}
