package io.sshdnetcon.fleet;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One endpoint of the fleet: its identity (the pre-rendered {@code host}, {@code agent} and {@code
 * elastic} objects), its id counters, and its long-lived processes (init, sshd, cron, daemons)
 * created on first use.
 */
final class FleetHost {

    private static final JsonFactory JSON = new JsonFactory();
    private static final char[] BASE64 =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();
    private static final String AGENT_VERSION = "8.15.3";

    final int index;
    final String id;
    final String name;
    final OsProfile os;
    final HostRole role;
    final String ipv4;

    /** Link-local, as every interface has; listed in host.ip. */
    final String ipv6;

    /** Global, the source of outbound IPv6 connections. */
    final String ipv6Global;

    final String agentId;

    final SerializedString hostJson;

    /**
     * The host object without {@code id} and {@code os.type}, for events that spell those two as
     * dotted keys.
     */
    final SerializedString hostJsonWithoutIdAndOsType;

    final SerializedString agentJson;
    final SerializedString elasticJson;

    private final String eventIdPrefix;
    private final long bootMs;
    private final Map<String, ProcessImage> longLived = new HashMap<>();
    private long eventCounter;
    private long processCounter;
    private int nextPid;

    /** Defend's per-host {@code event.sequence}, counted in delivery order by the writer. */
    long emittedSequence;

    enum HostRole {
        WEB("web"),
        API("api"),
        DB("db"),
        WORKER("worker"),
        K8S_NODE("k8s-node"),
        BASTION("bastion"),
        CI_RUNNER("ci-runner"),
        CACHE("cache"),
        WINDOWS_SERVER("FS"),
        WINDOWS_DESKTOP("DESKTOP"),
        LAPTOP("mbp");

        final String label;

        HostRole(String label) {
            this.label = label;
        }
    }

    FleetHost(
            int index,
            OsProfile os,
            HostRole role,
            String name,
            SplittableRandom rng,
            long startMs,
            String eventIdPrefix) {
        this.index = index;
        this.os = os;
        this.role = role;
        this.name = name;
        this.eventIdPrefix = eventIdPrefix;
        this.id = os.isLinux() ? hex(rng, 32) : uuid(rng, !os.isWindows());
        this.agentId = uuid(rng, false);
        this.ipv4 =
                switch (role) {
                    case WINDOWS_DESKTOP, LAPTOP ->
                            "192.168." + (10 + index / 250 % 200) + "." + (index % 250 + 2);
                    default ->
                            "10."
                                    + (20 + role.ordinal())
                                    + "."
                                    + (index / 250 % 256)
                                    + "."
                                    + (index % 250 + 4);
                };
        this.ipv6 =
                "fe80::"
                        + hex(rng, 3)
                        + ":"
                        + hex(rng, 2)
                        + "ff:fe"
                        + hex(rng, 2)
                        + ":"
                        + hex(rng, 4);
        this.ipv6Global =
                "2600:1f18:"
                        + hex(rng, 4)
                        + ":"
                        + hex(rng, 4)
                        + ":"
                        + hex(rng, 4)
                        + ":"
                        + hex(rng, 4)
                        + ":"
                        + hex(rng, 4)
                        + ":"
                        + hex(rng, 4);
        this.bootMs = startMs - 3_600_000L * (1 + rng.nextInt(24 * 90));
        this.nextPid = 800 + rng.nextInt(30_000);
        this.hostJson = new SerializedString(renderHost(os.type(), true));
        this.hostJsonWithoutIdAndOsType = new SerializedString(renderHost(null, false));
        this.agentJson =
                new SerializedString(
                        "{\"id\":\""
                                + agentId
                                + "\",\"type\":\"endpoint\",\"version\":\""
                                + AGENT_VERSION
                                + "\"}");
        this.elasticJson = new SerializedString("{\"agent\":{\"id\":\"" + agentId + "\"}}");
    }

    /**
     * The local end of a connection to {@code remoteIp}: link-local peers are reached from
     * link-local.
     */
    String localAddressFor(String remoteIp) {
        if (remoteIp.indexOf(':') < 0) {
            return ipv4;
        }
        return remoteIp.regionMatches(true, 0, "fe8", 0, 3) ? ipv6 : ipv6Global;
    }

    /**
     * Defend-like opaque event id: a per-host prefix, "+" filler and a base64 counter. Unique per
     * corpus.
     */
    String nextEventId() {
        char[] out = new char[24];
        eventIdPrefix.getChars(0, 12, out, 0);
        out[12] = '+';
        out[13] = '+';
        out[14] = '+';
        out[15] = '+';
        long counter = eventCounter++;
        for (int i = 23; i >= 16; i--) {
            out[i] = BASE64[(int) (counter & 63)];
            counter >>>= 6;
        }
        return new String(out);
    }

    static String randomEventIdPrefix(SplittableRandom rng) {
        char[] out = new char[12];
        for (int i = 0; i < out.length; i++) {
            out[i] = BASE64[rng.nextInt(64)];
        }
        return new String(out);
    }

    /**
     * A new process (fresh pid and entity id) whose image is given; the caller decides fork/exec
     * events.
     */
    ProcessImage newProcess(
            long startMs,
            SplittableRandom rng,
            String processName,
            String executable,
            List<String> args,
            String workingDirectory,
            UserAccount user) {
        nextPid += 1 + rng.nextInt(40);
        if (nextPid > 4_194_000) {
            nextPid = 300 + rng.nextInt(1000);
        }
        return new ProcessImage(
                newEntityId(nextPid, startMs),
                nextPid,
                processName,
                executable,
                args,
                workingDirectory,
                user);
    }

    /**
     * Defend's entity ids are base64 of agent, pid and start time; the counter guarantees
     * uniqueness.
     */
    private String newEntityId(int pid, long startMs) {
        String raw = agentId + "-" + pid + "-" + startMs + "-" + (processCounter++);
        return Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
    }

    /** pid 1: systemd, launchd or the Windows System process. It has no parent in the corpus. */
    ProcessImage init() {
        return longLived.computeIfAbsent(
                "init",
                key -> {
                    ProcessImage image =
                            switch (os.type()) {
                                case "windows" ->
                                        new ProcessImage(
                                                newEntityId(4, bootMs),
                                                4,
                                                "System",
                                                "System",
                                                List.of(),
                                                "",
                                                UserAccount.WINDOWS_SYSTEM);
                                case "macos" ->
                                        new ProcessImage(
                                                newEntityId(1, bootMs),
                                                1,
                                                "launchd",
                                                "/sbin/launchd",
                                                List.of("/sbin/launchd"),
                                                "/",
                                                UserAccount.ROOT);
                                default ->
                                        new ProcessImage(
                                                newEntityId(1, bootMs),
                                                1,
                                                "systemd",
                                                "/usr/lib/systemd/systemd",
                                                List.of("/sbin/init", "splash"),
                                                "/",
                                                UserAccount.ROOT);
                            };
                    return image;
                });
    }

    /** A daemon started at boot by init, created the first time an activity needs it. */
    ProcessImage daemon(
            String executable, List<String> args, UserAccount user, SplittableRandom rng) {
        ProcessImage existing = longLived.get(executable);
        if (existing != null) {
            return existing;
        }
        init();
        String processName =
                executable.substring(
                        Math.max(executable.lastIndexOf('/'), executable.lastIndexOf('\\')) + 1);
        ProcessImage image =
                newProcess(
                        bootMs + rng.nextInt(60_000),
                        rng,
                        processName,
                        executable,
                        args,
                        "/",
                        user);
        longLived.put(executable, image);
        return image;
    }

    /**
     * A long-lived child of another long-lived process (nginx worker of the nginx master, and the
     * like).
     */
    ProcessImage daemonChild(
            String key,
            ProcessImage parent,
            String processName,
            List<String> args,
            UserAccount user,
            SplittableRandom rng) {
        ProcessImage existing = longLived.get(key);
        if (existing != null) {
            return existing;
        }
        ProcessImage image =
                newProcess(
                        bootMs + 60_000 + rng.nextInt(60_000),
                        rng,
                        processName,
                        parent.executable(),
                        args,
                        "/",
                        user);
        longLived.put(key, image);
        return image;
    }

    String renderHost(String osType, boolean withIdAndOsType) {
        StringWriter out = new StringWriter(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            if (withIdAndOsType) {
                g.writeStringField(
                        "id", id); // first, so tests and malformed-line makers can find it
            }
            g.writeStringField("name", name);
            g.writeStringField("hostname", name);
            g.writeStringField("architecture", os.architecture());
            g.writeArrayFieldStart("ip");
            g.writeString(ipv4);
            g.writeString(ipv6);
            if (!os.isWindows()) {
                g.writeString(ipv6Global);
            }
            g.writeEndArray();
            g.writeObjectFieldStart("os");
            if (withIdAndOsType && osType != null) {
                g.writeStringField("type", osType);
            }
            g.writeStringField("family", os.family());
            g.writeStringField("name", os.name());
            g.writeStringField("platform", os.platform());
            g.writeStringField("version", os.version());
            g.writeStringField("kernel", os.kernel());
            g.writeStringField("full", os.name() + " " + os.version());
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static String hex(SplittableRandom rng, int digits) {
        StringBuilder out = new StringBuilder(digits);
        for (int i = 0; i < digits; i++) {
            out.append(Character.forDigit(rng.nextInt(16), 16));
        }
        return out.toString();
    }

    private static String uuid(SplittableRandom rng, boolean upperCase) {
        String text =
                hex(rng, 8)
                        + "-"
                        + hex(rng, 4)
                        + "-4"
                        + hex(rng, 3)
                        + "-"
                        + "89ab".charAt(rng.nextInt(4))
                        + hex(rng, 3)
                        + "-"
                        + hex(rng, 12);
        return upperCase ? text.toUpperCase(java.util.Locale.ROOT) : text;
    }
}
