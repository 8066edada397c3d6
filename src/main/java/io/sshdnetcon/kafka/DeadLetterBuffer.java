package io.sshdnetcon.kafka;

import io.sshdnetcon.event.DeadLetter;
import io.sshdnetcon.metrics.MetricNames;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead letters on their way to the dead-letter topic: kept in memory, within {@link Limits}, until
 * the topic acknowledges them, and sent by a thread of their own. The task that sets a record aside
 * only adds it here, so an unavailable dead-letter topic (deleted, leaderless, not authorized)
 * never blocks or fails detection.
 *
 * <ul>
 *   <li>While the topic takes records, letters are sent as they come (idempotent producer, acks
 *       from all in-sync replicas).
 *   <li>When a send fails, the letter goes back into the buffer and one letter at a time probes the
 *       topic, with a backoff of 0.2 s doubling to 10 s, until one is acknowledged; then everything
 *       buffered follows.
 *   <li>A letter that would take the buffer beyond its bounds is dropped and counted ({@code
 *       dead_letters_dropped}), as is one the topic refuses for good (too large). Drops and outages
 *       are logged at WARN, at most every 30 s.
 * </ul>
 *
 * <p>{@link #snapshot()} lists every letter not yet acknowledged, for checkpoints; after a restore,
 * letters acknowledged after that checkpoint are sent again (at least once).
 *
 * <p>Thread-safe: letters are added from the task thread, sent from the sender thread, and
 * acknowledged on the producer's I/O thread.
 */
public final class DeadLetterBuffer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterBuffer.class);

    private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long INITIAL_BACKOFF_MILLIS = 200;
    private static final long MAX_BACKOFF_MILLIS = 10_000;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** What one letter is accounted as beyond its payload and strings (object headers, fields). */
    private static final long ENTRY_OVERHEAD_BYTES = 96;

    /**
     * Producer timeouts, unless the client properties set them: a metadata wait (a deleted topic)
     * holds the sender thread for at most 5 s, and a letter the topic cannot take comes back to the
     * buffer after 30 s instead of Kafka's 2 min, so outages are seen and reported early.
     */
    private static final Map<String, String> PRODUCER_DEFAULTS =
            Map.of(
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000",
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000",
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");

    /**
     * Bounds of one buffer (one per sink writer or publisher).
     *
     * @param maxRecords letters kept at most
     * @param maxBytes payload and message bytes kept at most
     * @param flushTimeout how long a flush waits for acknowledgements before going on
     */
    public record Limits(int maxRecords, long maxBytes, Duration flushTimeout)
            implements Serializable {

        private static final long serialVersionUID = 1L;

        public static final Limits DEFAULTS = new Limits(10_000, 64L << 20, Duration.ofSeconds(10));

        public Limits {
            if (maxRecords < 1 || maxBytes < 1) {
                throw new IllegalArgumentException(
                        "dead-letter buffer bounds must be positive: "
                                + maxRecords
                                + " records, "
                                + maxBytes
                                + " bytes");
            }
            if (flushTimeout.isNegative() || flushTimeout.isZero()) {
                throw new IllegalArgumentException(
                        "flush timeout must be positive: " + flushTimeout);
            }
        }
    }

    private record Entry(long id, DeadLetter letter, long bytes) {}

    private final DeadLetterRecords records;
    private final Limits limits;
    private final KafkaProducer<byte[], byte[]> producer;
    private final String owner;
    private final Thread sender;

    private final Counter dropped = new ThreadSafeSimpleCounter();
    private final Counter delivered = new ThreadSafeSimpleCounter();

    private final Object lock = new Object();

    // Everything below is guarded by lock.
    /** Not yet acknowledged: queued or in flight, oldest first. */
    private final LinkedHashMap<Long, Entry> pending = new LinkedHashMap<>();

    /** Waiting to be sent. */
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();

    private long nextId;
    private long bytes;
    private int inFlight;
    private boolean available = true;
    private int failuresInARow;
    private long retryAtNanos;
    private String lastProblem = "none";
    private boolean closed;
    private boolean warnedOnce;
    private long lastWarnNanos;
    private long droppedSinceWarn;

    /**
     * @param clientConfig bootstrap servers and extra client settings
     * @param owner how logs and the sender thread name this buffer, e.g. "dead-letter-sink 1/2"
     */
    public DeadLetterBuffer(
            Map<String, String> clientConfig,
            DeadLetterRecords records,
            Limits limits,
            String owner) {
        this.records = records;
        this.limits = limits;
        this.owner = owner;
        this.producer = new KafkaProducer<>(producerConfig(clientConfig));
        this.retryAtNanos = System.nanoTime();
        this.sender = new Thread(this::sendLoop, "dead-letter-sender " + owner);
        sender.setDaemon(true);
        sender.start();
    }

    static Map<String, Object> producerConfig(Map<String, String> clientConfig) {
        Map<String, Object> config = ClientProperties.durableProducer(clientConfig);
        boolean timeoutsSet =
                clientConfig.containsKey(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG)
                        || clientConfig.containsKey(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)
                        || clientConfig.containsKey(ProducerConfig.LINGER_MS_CONFIG);
        PRODUCER_DEFAULTS.forEach(
                (key, value) -> {
                    // Kafka requires delivery >= linger + request timeout: set them together or
                    // not.
                    boolean timeout = !key.equals(ProducerConfig.MAX_BLOCK_MS_CONFIG);
                    if (!(timeout && timeoutsSet)) {
                        config.putIfAbsent(key, value);
                    }
                });
        return config;
    }

    /** Registers the buffer's gauges and counters ({@link MetricNames}) in {@code group}. */
    public void registerMetrics(MetricGroup group) {
        group.gauge(MetricNames.DEAD_LETTERS_BUFFERED, (Gauge<Integer>) this::buffered);
        group.gauge(MetricNames.DEAD_LETTERS_BUFFERED_BYTES, (Gauge<Long>) this::bufferedBytes);
        group.counter(MetricNames.DEAD_LETTERS_DROPPED, dropped);
        group.counter(MetricNames.DEAD_LETTERS_DELIVERED, delivered);
    }

    public String topic() {
        return records.topic();
    }

    /**
     * Keeps {@code letter} until the topic acknowledges it; never blocks.
     *
     * @return false if it was dropped because the buffer is full (counted and logged)
     */
    public boolean offer(DeadLetter letter) {
        long size = sizeOf(letter);
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException(
                        "the dead-letter buffer of " + owner + " is closed");
            }
            if (pending.size() >= limits.maxRecords() || bytes + size > limits.maxBytes()) {
                drop(1);
                return false;
            }
            add(letter, size);
            return true;
        }
    }

    /**
     * Takes back letters from a checkpoint. They were within the bounds of the writers that held
     * them, so all are kept, even if together (after a scale-in) they exceed this buffer's bounds;
     * new letters are then dropped until the buffer is below them again.
     */
    public void restore(Collection<DeadLetter> letters) {
        synchronized (lock) {
            for (DeadLetter letter : letters) {
                add(letter, sizeOf(letter));
            }
        }
        if (!letters.isEmpty()) {
            LOG.info(
                    "{}: restored {} dead letters not yet acknowledged by '{}'",
                    owner,
                    letters.size(),
                    records.topic());
        }
    }

    /** Every letter not yet acknowledged, oldest first (for a checkpoint). */
    public List<DeadLetter> snapshot() {
        synchronized (lock) {
            List<DeadLetter> letters = new ArrayList<>(pending.size());
            pending.values().forEach(entry -> letters.add(entry.letter()));
            return letters;
        }
    }

    /**
     * Waits until every letter offered so far is acknowledged, at most {@link
     * Limits#flushTimeout()}; with {@code untilUnavailable}, also stops waiting as soon as the
     * topic is known not to take records. A flush that times out marks the topic as not taking
     * records until the next acknowledgement.
     *
     * @return how many letters are still not acknowledged
     */
    public int flush(boolean untilUnavailable) throws InterruptedException {
        long deadline = System.nanoTime() + limits.flushTimeout().toNanos();
        synchronized (lock) {
            while (!pending.isEmpty() && !(untilUnavailable && !available)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    // The producer may still be retrying inside; treat the topic as unavailable
                    // until something is acknowledged, so later flushes do not wait again.
                    if (available) {
                        available = false;
                        lastProblem = "no acknowledgement within " + limits.flushTimeout();
                        warnedOnce = false;
                        warnAtMostEvery30s();
                    }
                    break;
                }
                lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
            return pending.size();
        }
    }

    /** Drops and counts every letter not yet acknowledged (a bounded run ends without them). */
    public void discardPending(String why) {
        synchronized (lock) {
            int count = pending.size();
            if (count == 0) {
                return;
            }
            LOG.warn(
                    "{}: {} dead letters were not acknowledged by '{}' and are dropped: {};"
                            + " last problem: {}",
                    owner,
                    count,
                    records.topic(),
                    why,
                    lastProblem);
            pending.clear();
            queue.clear();
            bytes = 0;
            dropped.inc(count);
        }
    }

    public int buffered() {
        synchronized (lock) {
            return pending.size();
        }
    }

    public long bufferedBytes() {
        synchronized (lock) {
            return bytes;
        }
    }

    public long dropped() {
        return dropped.getCount();
    }

    public long delivered() {
        return delivered.getCount();
    }

    /** Whether the last send was acknowledged (true until a send fails). */
    public boolean available() {
        synchronized (lock) {
            return available;
        }
    }

    /**
     * Stops sending and closes the producer, waiting a few seconds for letters in flight. Letters
     * still buffered are in the last checkpoint if it was taken after they arrived.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            lock.notifyAll();
        }
        // The sender may wait for topic metadata inside the producer; that wait is interruptible.
        sender.interrupt();
        try {
            sender.join(CLOSE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(CLOSE_TIMEOUT);
        int left = buffered();
        if (left > 0) {
            LOG.warn(
                    "{}: closed with {} dead letters not acknowledged by '{}'; a restore from a"
                            + " checkpoint taken after they arrived sends them again",
                    owner,
                    left,
                    records.topic());
        }
    }

    private void add(DeadLetter letter, long size) {
        Entry entry = new Entry(nextId++, letter, size);
        pending.put(entry.id(), entry);
        queue.addLast(entry);
        bytes += size;
        lock.notifyAll();
    }

    private void remove(Entry entry) {
        if (pending.remove(entry.id()) != null) {
            bytes -= entry.bytes();
        }
    }

    private void drop(long count) {
        dropped.inc(count);
        droppedSinceWarn += count;
        warnAtMostEvery30s();
    }

    private void warnAtMostEvery30s() {
        long now = System.nanoTime();
        if (warnedOnce && now - lastWarnNanos < WARN_INTERVAL_NANOS) {
            return;
        }
        warnedOnce = true;
        lastWarnNanos = now;
        LOG.warn(
                "{}: {} dead letters wait for '{}' ({} bytes; bounds {} letters, {} bytes), {}"
                        + " dropped since the last report, {} in all; {}",
                owner,
                pending.size(),
                records.topic(),
                bytes,
                limits.maxRecords(),
                limits.maxBytes(),
                droppedSinceWarn,
                dropped.getCount(),
                available
                        ? "sends are under way"
                        : "the topic does not take them now (" + lastProblem + ")");
        droppedSinceWarn = 0;
    }

    private void sendLoop() {
        while (true) {
            Entry entry;
            synchronized (lock) {
                try {
                    while (!closed && !readyToSend()) {
                        long wait = retryAtNanos - System.nanoTime();
                        boolean backingOff = !queue.isEmpty() && (available || inFlight == 0);
                        lock.wait(
                                backingOff ? Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)) : 0);
                    }
                } catch (InterruptedException e) {
                    return; // closing
                }
                if (closed) {
                    return;
                }
                entry = queue.pollFirst();
                inFlight++;
            }
            send(entry);
        }
    }

    /** A letter is queued, and either the topic takes records or no probe is under way. */
    private boolean readyToSend() {
        return !queue.isEmpty()
                && (available || inFlight == 0)
                && System.nanoTime() - retryAtNanos >= 0;
    }

    private void send(Entry entry) {
        ProducerRecord<byte[], byte[]> record;
        try {
            record = records.toRecord(entry.letter());
        } catch (RuntimeException e) {
            completed(entry, e, true);
            return;
        }
        try {
            // Failures (including a metadata time-out) arrive through the callback.
            producer.send(record, (metadata, error) -> completed(entry, error, false));
        } catch (InterruptException e) {
            completed(entry, e, false); // closing: stays buffered, and in the last checkpoint
        } catch (RuntimeException e) {
            completed(entry, e, false);
        }
    }

    private void completed(Entry entry, Exception error, boolean unusable) {
        synchronized (lock) {
            inFlight--;
            if (error == null) {
                remove(entry);
                delivered.inc();
                failuresInARow = 0;
                retryAtNanos = System.nanoTime();
                if (!available) {
                    available = true;
                    LOG.info(
                            "{}: dead-letter topic '{}' takes records again; {} dead letters"
                                    + " still buffered, {} dropped so far",
                            owner,
                            records.topic(),
                            pending.size(),
                            dropped.getCount());
                }
            } else if (unusable
                    || error instanceof RecordTooLargeException
                    || error instanceof RecordBatchTooLargeException) {
                // No retry can deliver it: keeping it would only block the buffer.
                remove(entry);
                lastProblem = "a dead letter can never be written: " + error;
                drop(1);
            } else if (!closed) {
                queue.addFirst(entry);
                lastProblem = error.toString();
                failuresInARow = Math.min(failuresInARow + 1, 30);
                long backoff =
                        Math.min(
                                MAX_BACKOFF_MILLIS,
                                INITIAL_BACKOFF_MILLIS << Math.min(failuresInARow - 1, 10));
                retryAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff);
                if (available) {
                    available = false;
                    warnedOnce = false; // report the outage now, then at most every 30 s
                }
                warnAtMostEvery30s();
            }
            lock.notifyAll();
        }
    }

    private static long sizeOf(DeadLetter letter) {
        long size = ENTRY_OVERHEAD_BYTES;
        if (letter.payload() != null) {
            size += letter.payload().length;
        }
        if (letter.detail() != null) {
            size += 2L * letter.detail().length();
        }
        if (letter.source() != null) {
            size += 2L * letter.source().length();
        }
        return size;
    }

    @Override
    public String toString() {
        return "DeadLetterBuffer{" + owner + " -> " + records.topic() + ", " + limits + "}";
    }
}
