package io.sshdnetcon.testing;

import static io.sshdnetcon.testing.ReferenceEventFields.DESTINATION_IP;
import static io.sshdnetcon.testing.ReferenceEventFields.EVENT_ACTION;
import static io.sshdnetcon.testing.ReferenceEventFields.EVENT_CATEGORY;
import static io.sshdnetcon.testing.ReferenceEventFields.EVENT_ID;
import static io.sshdnetcon.testing.ReferenceEventFields.EVENT_TYPE;
import static io.sshdnetcon.testing.ReferenceEventFields.HOST_ID;
import static io.sshdnetcon.testing.ReferenceEventFields.HOST_OS_TYPE;
import static io.sshdnetcon.testing.ReferenceEventFields.PARENT_ENTITY_ID;
import static io.sshdnetcon.testing.ReferenceEventFields.PARENT_EXECUTABLE;
import static io.sshdnetcon.testing.ReferenceEventFields.PROCESS_ENTITY_ID;
import static io.sshdnetcon.testing.ReferenceEventFields.PROCESS_EXECUTABLE;
import static io.sshdnetcon.testing.ReferenceEventFields.PROCESS_NAME;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Test oracle: a deliberately simple, literal, batch implementation of {@code docs/semantics.md}
 * and of the eight numbered decisions that refine it (one nested class of {@code
 * ReferenceDetectorTest} each). It shares no code with the production job, so agreement between the
 * two is evidence, not tautology. Tests use it to compute the exact expected alerts for any corpus.
 *
 * <p>Steps, in the order the decisions give them: decode and parse each line (1, 3), collect the
 * fields the rule reads (2), drop late lines against the running maximum timestamp (7), select
 * stage-1 and stage-2 candidates with exact predicates and the exclusions (4, 6), then replay each
 * join key in (timestamp, stage, arrival) order with one pending exec (5, 8).
 *
 * <p>Lateness comes in two modes ({@link Lateness}); only which lines are late differs, matching is
 * the same. A line is late when a maximum {@code M} exists for it and its timestamp {@code t <= M -
 * bound - 1}; a late line takes no part in matching and does not move any maximum.
 *
 * <ul>
 *   <li>{@link Lateness#GLOBAL} (decision 7 as the job had it before issue 7): {@code M} is the
 *       newest timestamp of all earlier parsed, non-late lines of the input, whatever their host.
 *   <li>{@link Lateness#PER_HOST} ("Time is per host"): {@code M} is the newest timestamp of the
 *       earlier parsed, non-late lines of the <em>same</em> {@code host.id}. A line's host is its
 *       {@code host.id} when that field has exactly one value, as for a join key (decision 5:
 *       {@code ["h", null]} is {@code h}). Every parsed line of a host counts, events irrelevant to
 *       the rule included, as in GLOBAL mode. A parsed line whose {@code host.id} is missing, null,
 *       an empty array or has two or more values belongs to no host: it is never late and moves no
 *       maximum (it cannot be a candidate anyway, since the join key needs {@code host.id}). The
 *       empty string is an ordinary host. Malformed lines belong to no host either. Since the join
 *       key holds {@code host.id}, no other host can then change a line's fate.
 * </ul>
 *
 * <p>Each late line is reported ({@link LateLine}) with the maximum it was judged against: in
 * PER_HOST mode that is the host's newest time, which the job's dead letter must carry.
 */
public final class ReferenceDetector {

    public static final long MAX_SPAN_MS = 1000;

    /**
     * The rule's lists: CIDR/address entries (the 27 in {@code cidrmatch} plus "0.0.0.0"),
     * executables, names.
     */
    public record Exclusions(List<String> cidrs, List<String> executables, List<String> names) {
        public Exclusions {
            cidrs = List.copyOf(cidrs);
            executables = List.copyOf(executables);
            names = List.copyOf(names);
        }

        public static Exclusions defaults() {
            return new Exclusions(
                    List.of(
                            "0.0.0.0",
                            "10.0.0.0/8",
                            "127.0.0.0/8",
                            "169.254.0.0/16",
                            "172.16.0.0/12",
                            "192.0.0.0/24",
                            "192.0.0.0/29",
                            "192.0.0.8/32",
                            "192.0.0.9/32",
                            "192.0.0.10/32",
                            "192.0.0.170/32",
                            "192.0.0.171/32",
                            "192.0.2.0/24",
                            "192.31.196.0/24",
                            "192.52.193.0/24",
                            "192.168.0.0/16",
                            "192.88.99.0/24",
                            "224.0.0.0/4",
                            "100.64.0.0/10",
                            "192.175.48.0/24",
                            "198.18.0.0/15",
                            "198.51.100.0/24",
                            "203.0.113.0/24",
                            "240.0.0.0/4",
                            "::1",
                            "FE80::/10",
                            "FF00::/8",
                            "172.31.0.0/16"),
                    List.of("/bin/yum", "/usr/bin/yum"),
                    List.of("login_duo", "ssh", "sshd", "sshd-session"));
        }
    }

    /**
     * One alert, named by the two events' {@code event.id}. An event without exactly one {@code
     * event.id} value is named {@code "sha256:" + hex(raw line)}, mirroring the contract's "stable
     * hash of its raw bytes".
     */
    public record AlertPair(String execEventId, String networkEventId) {}

    /** Which earlier lines a line's lateness is judged against; see the class comment. */
    public enum Lateness {
        /** One event time for the whole input (decision 7 before issue 7). */
        GLOBAL,
        /** One event time per {@code host.id} ("Time is per host"). */
        PER_HOST
    }

    /**
     * One late line.
     *
     * @param arrival the line's index in the input (0-based, malformed lines included)
     * @param eventId named as in {@link AlertPair}
     * @param hostId the line's single {@code host.id}, or null when it has none (GLOBAL mode only:
     *     in PER_HOST mode such a line is never late)
     * @param timestampMs the line's {@code @timestamp}
     * @param maxTimestampMs the maximum it was judged against: the host's newest time in PER_HOST
     *     mode, the input's in GLOBAL mode; {@code timestampMs <= maxTimestampMs - bound - 1}
     */
    public record LateLine(
            int arrival, String eventId, String hostId, long timestampMs, long maxTimestampMs) {}

    /**
     * Alerts in the order their network events were processed, plus the counters. {@code read}
     * counts all lines. {@code lateLines} lists the {@code late} lines in input order; {@code
     * lateByHost} counts them per {@code host.id} (late lines without a host, possible in GLOBAL
     * mode only, are in {@code late} and {@code lateLines} but not in {@code lateByHost}).
     */
    public record Result(
            List<AlertPair> alerts,
            long read,
            long malformed,
            long late,
            long invalidDestination,
            Map<String, Long> lateByHost,
            List<LateLine> lateLines) {
        public Result {
            alerts = List.copyOf(alerts);
            lateByHost = Map.copyOf(lateByHost);
            lateLines = List.copyOf(lateLines);
        }
    }

    /**
     * No symbol table for field names: Jackson's refuses keys that collide in its hash (a DoS
     * heuristic Elasticsearch turns off), which says nothing about whether the line is JSON.
     */
    private static final ObjectReader STRICT_JSON =
            new ObjectMapper(
                            JsonFactory.builder()
                                    .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
                                    .build())
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readerFor(JsonNode.class);

    private ReferenceDetector() {}

    /** {@link Lateness#GLOBAL} lateness, as before issue 7. */
    public static Result detect(
            List<byte[]> linesInArrivalOrder, long maxOutOfOrdernessMs, Exclusions exclusions) {
        return detect(linesInArrivalOrder, maxOutOfOrdernessMs, exclusions, Lateness.GLOBAL);
    }

    public static Result detect(
            List<byte[]> linesInArrivalOrder,
            long maxOutOfOrdernessMs,
            Exclusions exclusions,
            Lateness lateness) {
        if (maxOutOfOrdernessMs < 0) {
            throw new IllegalArgumentException("maxOutOfOrdernessMs must be >= 0");
        }
        List<ReferenceIpLiteral.Cidr> cidrs =
                exclusions.cidrs().stream().map(ReferenceIpLiteral.Cidr::parse).toList();
        Set<String> excludedExecutables = Set.copyOf(exclusions.executables());
        Set<String> excludedNames = Set.copyOf(exclusions.names());

        long malformed = 0;
        long invalidDestination = 0;
        // The newest time per time domain: one domain "" in GLOBAL mode, one per host in PER_HOST.
        Map<String, Long> maxTimestamps = new HashMap<>();
        Map<String, Long> lateByHost = new HashMap<>();
        List<LateLine> lateLines = new ArrayList<>();
        List<Candidate> candidates = new ArrayList<>();

        for (int arrival = 0; arrival < linesInArrivalOrder.size(); arrival++) {
            byte[] line = linesInArrivalOrder.get(arrival);
            Optional<ParsedLine> parsed = parse(line);
            if (parsed.isEmpty()) {
                malformed++;
                continue;
            }
            long t = parsed.get().timestampMs();
            ReferenceEventFields f = parsed.get().fields();
            Optional<String> host = f.single(HOST_ID);
            Optional<String> domain =
                    lateness == Lateness.GLOBAL ? Optional.of("") : host; // none: never late
            if (domain.isPresent()) {
                Long max = maxTimestamps.get(domain.get());
                // Decision 7: the watermark after the earlier lines is M - bound - 1; at or below
                // it is late. Written as a difference so that a bound of Long.MAX_VALUE means
                // "never late" for any timestamp.
                if (max != null && max - t > maxOutOfOrdernessMs) {
                    lateLines.add(
                            new LateLine(arrival, eventId(f, line), host.orElse(null), t, max));
                    host.ifPresent(h -> lateByHost.merge(h, 1L, Long::sum));
                    continue;
                }
                maxTimestamps.put(domain.get(), max == null ? t : Math.max(max, t));
            }

            String eventId = eventId(f, line);
            if (isExec(f)) {
                Optional<JoinKey> key = joinKey(f, PROCESS_ENTITY_ID);
                if (key.isPresent()) {
                    candidates.add(new Candidate(t, Stage.EXEC, arrival, key.get(), eventId));
                }
            }
            if (isConnectionAttempt(f)) {
                Destination destination = destination(f, cidrs);
                if (destination == Destination.INVALID) {
                    invalidDestination++;
                } else if (destination == Destination.ALLOWED
                        && f.get(PROCESS_EXECUTABLE).stream()
                                .noneMatch(excludedExecutables::contains)
                        && f.get(PROCESS_NAME).stream().noneMatch(excludedNames::contains)) {
                    Optional<JoinKey> key = joinKey(f, PARENT_ENTITY_ID);
                    if (key.isPresent()) {
                        candidates.add(
                                new Candidate(t, Stage.NETWORK, arrival, key.get(), eventId));
                    }
                }
                // Excluded connections touch nothing (decision 8), so they never become candidates.
            }
        }
        return new Result(
                match(candidates),
                linesInArrivalOrder.size(),
                malformed,
                lateLines.size(),
                invalidDestination,
                lateByHost,
                lateLines);
    }

    /**
     * Decision 8: per key, in (timestamp, exec before network, arrival) order, one pending exec at
     * a time.
     */
    private static List<AlertPair> match(List<Candidate> candidates) {
        List<Candidate> ordered = new ArrayList<>(candidates);
        ordered.sort(
                Comparator.comparingLong(Candidate::timestampMs)
                        .thenComparing(Candidate::stage)
                        .thenComparingInt(Candidate::arrival));
        Map<JoinKey, Candidate> pending = new HashMap<>();
        List<AlertPair> alerts = new ArrayList<>();
        for (Candidate c : ordered) {
            if (c.stage() == Stage.EXEC) {
                pending.put(c.key(), c); // latest exec wins
                continue;
            }
            Candidate exec =
                    pending.remove(c.key()); // a qualifying connection consumes the pending exec
            // An event that is both an exec and a connection of one key never pairs with itself
            // (EQL needs two
            // events for a two-stage sequence); as its own latest exec it is still consumed.
            if (exec != null && exec.arrival() != c.arrival()) {
                long span = c.timestampMs() - exec.timestampMs();
                if (span >= 0 && span <= MAX_SPAN_MS) {
                    alerts.add(new AlertPair(exec.eventId(), c.eventId()));
                }
            }
        }
        return alerts;
    }

    private static boolean isExec(ReferenceEventFields f) {
        return f.has(EVENT_CATEGORY, "process")
                && f.has(HOST_OS_TYPE, "linux")
                && f.has(EVENT_TYPE, "start")
                && f.has(EVENT_ACTION, "exec")
                && f.has(PARENT_EXECUTABLE, "/usr/sbin/sshd");
    }

    private static boolean isConnectionAttempt(ReferenceEventFields f) {
        return f.has(EVENT_CATEGORY, "network")
                && f.has(HOST_OS_TYPE, "linux")
                && f.has(EVENT_TYPE, "start")
                && f.has(EVENT_ACTION, "connection_attempted");
    }

    private enum Destination {
        ALLOWED,
        EXCLUDED,
        INVALID
    }

    /**
     * Decision 6. Invalid wins over excluded: any unparsable element makes the event "not a
     * candidate".
     */
    private static Destination destination(
            ReferenceEventFields f, List<ReferenceIpLiteral.Cidr> cidrs) {
        if (f.destinationHasNonString()) {
            return Destination.INVALID;
        }
        List<byte[]> addresses = new ArrayList<>();
        for (String text : f.get(DESTINATION_IP)) {
            Optional<byte[]> address = ReferenceIpLiteral.parse(text);
            if (address.isEmpty()) {
                return Destination.INVALID;
            }
            addresses.add(address.get());
        }
        if (addresses.isEmpty()) {
            return Destination.EXCLUDED; // destination.ip == null
        }
        for (byte[] address : addresses) {
            for (ReferenceIpLiteral.Cidr cidr : cidrs) {
                if (cidr.contains(address)) {
                    return Destination.EXCLUDED;
                }
            }
        }
        return Destination.ALLOWED;
    }

    private static Optional<JoinKey> joinKey(ReferenceEventFields f, String entityField) {
        Optional<String> host = f.single(HOST_ID);
        Optional<String> entity = f.single(entityField);
        return host.isPresent() && entity.isPresent()
                ? Optional.of(new JoinKey(host.get(), entity.get()))
                : Optional.empty();
    }

    private static String eventId(ReferenceEventFields f, byte[] line) {
        Optional<String> id = f.single(EVENT_ID);
        if (id.isPresent()) {
            return id.get();
        }
        try {
            return "sha256:"
                    + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(line));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE has SHA-256", e);
        }
    }

    /**
     * Decision 1, in order: strict UTF-8, exactly one JSON value, an object, a parsable @timestamp,
     * right types.
     */
    private static Optional<ParsedLine> parse(byte[] line) {
        String text;
        try {
            text =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(line))
                            .toString();
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
        JsonNode root;
        try {
            root = STRICT_JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return Optional.empty(); // syntax error, trailing garbage, duplicate key, limits
        }
        if (root == null || !root.isObject()) {
            return Optional.empty(); // empty line (MissingNode), array, string, number, null
        }
        JsonNode timestamp = root.get("@timestamp");
        if (timestamp == null || !timestamp.isTextual()) {
            return Optional.empty();
        }
        OptionalLong millis = ReferenceTimestamp.parseMillis(timestamp.textValue());
        if (millis.isEmpty()) {
            return Optional.empty();
        }
        return ReferenceEventFields.of(root)
                .map(fields -> new ParsedLine(millis.getAsLong(), fields));
    }

    private record ParsedLine(long timestampMs, ReferenceEventFields fields) {}

    private record JoinKey(String hostId, String entityId) {}

    /** Declaration order is the tie-break: on equal timestamps the exec comes first. */
    private enum Stage {
        EXEC,
        NETWORK
    }

    private record Candidate(
            long timestampMs, Stage stage, int arrival, JoinKey key, String eventId) {}
}
