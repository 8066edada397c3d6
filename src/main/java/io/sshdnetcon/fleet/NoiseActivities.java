package io.sshdnetcon.fleet;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Everyday fleet activity, none of which may alert: daemons talking to the network, cron and
 * systemd jobs, package updates, web traffic, file writes, DNS, Windows and macOS desktops, and
 * legitimate SSH sessions.
 *
 * <p>The one invariant that keeps the noise clean: a connection attempt to a public address by a
 * non-allowlisted process never comes within 1000 ms after a stage-1 exec of its parent. People
 * type slowly, so interactive commands start at least {@value #FIRST_COMMAND_MS} ms after the
 * shell; fast automation only talks to private addresses; and login helpers that do call out
 * quickly (login_duo, motd-news) are allowlisted or grandchildren.
 */
final class NoiseActivities {

    static final long FIRST_COMMAND_MS = 1_500;

    private static final String[] UBUNTU_ARCHIVE = {
        "91.189.91.81", "91.189.91.82", "185.125.190.36", "185.125.190.39", "2620:2d:4000:1::16"
    };
    private static final String[] RHEL_MIRRORS = {"3.125.36.177", "18.192.84.15", "151.101.2.132"};
    private static final String[] GITHUB = {
        "140.82.112.3", "140.82.112.4", "140.82.113.3", "140.82.114.4"
    };
    private static final String[] ELASTIC_CLOUD = {
        "35.241.184.81", "34.120.127.130", "35.244.217.69"
    };
    private static final String[] NTP = {
        "162.159.200.1", "162.159.200.123", "129.6.15.28", "216.239.35.0"
    };
    private static final String[] MICROSOFT = {
        "13.107.42.14",
        "20.190.151.9",
        "13.107.246.41",
        "2620:1ec:bdf::40",
        "52.113.194.132",
        "20.42.65.92"
    };
    private static final String[] APPLE = {
        "17.253.144.10", "17.57.146.52", "2a01:b740:a42:200::4", "17.248.211.69"
    };
    private static final String[] AWS = {
        "52.216.20.235", "54.231.131.5", "3.5.140.2", "52.95.145.42"
    };
    private static final String[] REGISTRIES = {"54.227.20.253", "44.205.64.79", "104.18.123.25"};
    private static final String[] SAAS_APIS = {
        "54.187.216.72", "104.18.32.47", "142.250.74.106", "35.190.247.13"
    };
    private static final String[] DUO_API = {"52.19.127.20", "35.169.13.60"};
    private static final String[] MOTD_NEWS = {"185.125.188.58", "185.125.188.59"};
    private static final String[] CLIENT_PREFIXES = {
        "73.", "98.", "24.", "86.", "81.", "176.", "212.", "93.", "109.", "188.", "2.", "37."
    };

    private static final String[] INTERACTIVE_COMMANDS = {
        "ls",
        "cat",
        "less",
        "vim",
        "grep",
        "ps",
        "df",
        "top",
        "journalctl",
        "systemctl",
        "tail",
        "htop",
        "du",
        "free",
        "uptime",
        "ss"
    };

    private final List<FleetHost> hosts;
    private final SplittableRandom rng;

    NoiseActivities(List<FleetHost> hosts, SplittableRandom rng) {
        this.hosts = hosts;
        this.rng = rng;
    }

    /** One activity starting at {@code nowMs}. */
    List<FleetEvent> next(long nowMs) {
        FleetHost host = pickHost();
        Activity a = new Activity(rng);
        if (host.os.isLinux()) {
            linux(a, host, nowMs);
        } else if (host.os.isWindows()) {
            windows(a, host, nowMs);
        } else {
            macos(a, host, nowMs);
        }
        return a.events();
    }

    /** A single event, used to land on the exact event count. */
    List<FleetEvent> single(long nowMs) {
        FleetHost host = pickHost();
        Activity a = new Activity(rng);
        if (host.os.isLinux()) {
            logWrite(a, host, nowMs);
        } else if (host.os.isWindows()) {
            ProcessImage defender =
                    host.daemon(
                            "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24080.9-0"
                                    + "\\MsMpEng.exe",
                            List.of("MsMpEng.exe"),
                            UserAccount.WINDOWS_SYSTEM,
                            rng);
            a.file(
                    host,
                    nowMs,
                    EventShape.FILE_MODIFICATION,
                    defender,
                    host.init(),
                    "C:\\ProgramData\\Microsoft\\Windows"
                            + " Defender\\Scans\\History\\Service\\DetectionHistory.bin");
        } else {
            ProcessImage mdns =
                    host.daemon(
                            "/usr/sbin/mDNSResponder",
                            List.of("/usr/sbin/mDNSResponder"),
                            new UserAccount("65", "_mdnsresponder"),
                            rng);
            a.lookup(
                    host,
                    nowMs,
                    mdns,
                    host.init(),
                    pick("www.apple.com", "gateway.icloud.com", "github.com"));
        }
        return a.events();
    }

    /**
     * Some hosts are busier than others, as in real fleets (the busiest of 20 gets about a tenth).
     */
    private FleetHost pickHost() {
        return hosts.get((int) (hosts.size() * Math.pow(rng.nextDouble(), 1.3)));
    }

    /**
     * Weights per mille. SSH logins are rare per host but they are the noise the rule has to see
     * through.
     */
    private void linux(Activity a, FleetHost host, long now) {
        int roll = rng.nextInt(1000);
        if ((roll -= 300) < 0) {
            daemonTraffic(a, host, now);
        } else if ((roll -= 120) < 0) {
            roleTraffic(a, host, now);
        } else if ((roll -= 170) < 0) {
            cronJob(a, host, now);
        } else if ((roll -= 60) < 0) {
            systemdUnit(a, host, now);
        } else if ((roll -= 170) < 0) {
            logWrite(a, host, now);
        } else if ((roll -= 100) < 0) {
            resolverQuery(a, host, now);
        } else if ((roll -= 25) < 0) {
            packageUpdate(a, host, now);
        } else if ((roll -= 25) < 0) {
            interactiveSession(a, host, now);
        } else if ((roll -= 20) < 0) {
            automationSession(a, host, now);
        } else if ((roll -= 6) < 0) {
            sftpSession(a, host, now);
        } else if ((roll -= 6) < 0) {
            duoSession(a, host, now);
        } else {
            openSsh98Session(a, host, now);
        }
    }

    private void daemonTraffic(Activity a, FleetHost host, long now) {
        switch (rng.nextInt(5)) {
            case 0 -> {
                ProcessImage exporter =
                        host.daemon(
                                "/usr/local/bin/node_exporter",
                                List.of(
                                        "/usr/local/bin/node_exporter",
                                        "--web.listen-address=:9100"),
                                new UserAccount("998", "prometheus"),
                                rng);
                FleetEvent in =
                        a.accept(
                                host,
                                now,
                                exporter,
                                host.init(),
                                "10.20.0." + (10 + rng.nextInt(3)),
                                9100);
                a.disconnect(host, now + 3 + rng.nextInt(40), in);
            }
            case 1 -> {
                ProcessImage agent =
                        host.daemon(
                                "/opt/Elastic/Agent/elastic-agent",
                                List.of("/opt/Elastic/Agent/elastic-agent"),
                                UserAccount.ROOT,
                                rng);
                a.connect(host, now, agent, host.init(), "tcp", pick(ELASTIC_CLOUD), 443);
            }
            case 2 -> {
                ProcessImage chrony =
                        host.daemon(
                                "/usr/sbin/chronyd",
                                List.of("/usr/sbin/chronyd", "-F", "1"),
                                new UserAccount("109", "_chrony"),
                                rng);
                a.connect(host, now, chrony, host.init(), "udp", pick(NTP), 123);
            }
            case 3 -> {
                ProcessImage sssd =
                        host.daemon(
                                "/usr/libexec/sssd/sssd_be",
                                List.of(
                                        "/usr/libexec/sssd/sssd_be",
                                        "--domain",
                                        "corp.example.com"),
                                UserAccount.ROOT,
                                rng);
                FleetEvent out =
                        a.connect(
                                host,
                                now,
                                sssd,
                                host.init(),
                                "tcp",
                                "10.10.0." + (5 + rng.nextInt(3)),
                                636);
                a.disconnect(host, now + 20 + rng.nextInt(500), out);
            }
            default -> {
                ProcessImage app =
                        host.daemon(
                                "/usr/lib/jvm/java-17-openjdk-amd64/bin/java",
                                List.of(
                                        "/usr/lib/jvm/java-17-openjdk-amd64/bin/java",
                                        "-Xmx2g",
                                        "-jar",
                                        "/opt/app/app.jar"),
                                new UserAccount("1100", "app"),
                                rng);
                FleetEvent out =
                        a.connect(host, now, app, host.init(), "tcp", pick(SAAS_APIS), 443);
                a.disconnect(host, now + 80 + rng.nextInt(900), out);
            }
        }
    }

    private void roleTraffic(Activity a, FleetHost host, long now) {
        switch (host.role) {
            case WEB, API -> {
                ProcessImage master =
                        host.daemon(
                                "/usr/sbin/nginx",
                                List.of("nginx:", "master", "process", "/usr/sbin/nginx"),
                                UserAccount.ROOT,
                                rng);
                ProcessImage worker =
                        host.daemonChild(
                                "nginx-worker",
                                master,
                                "nginx",
                                List.of("nginx:", "worker", "process"),
                                new UserAccount("33", "www-data"),
                                rng);
                FleetEvent in = a.accept(host, now, worker, master, publicClientIp(), 443);
                FleetEvent up = a.connect(host, now + 1, worker, master, "tcp", "127.0.0.1", 8080);
                a.disconnect(host, now + 5 + rng.nextInt(60), up);
                a.disconnect(host, now + 70 + rng.nextInt(3000), in);
            }
            case DB -> {
                ProcessImage postgres =
                        host.daemon(
                                "/usr/lib/postgresql/16/bin/postgres",
                                List.of(
                                        "/usr/lib/postgresql/16/bin/postgres",
                                        "-D",
                                        "/var/lib/postgresql/16/main"),
                                new UserAccount("114", "postgres"),
                                rng);
                FleetEvent in =
                        a.accept(
                                host,
                                now,
                                postgres,
                                host.init(),
                                "10.21." + rng.nextInt(4) + "." + (4 + rng.nextInt(200)),
                                5432);
                a.file(
                        host,
                        now + 2,
                        EventShape.FILE_MODIFICATION,
                        postgres,
                        host.init(),
                        "/var/lib/postgresql/16/main/pg_wal/00000001000000A4000000"
                                + (10 + rng.nextInt(80)));
                a.disconnect(host, now + 50 + rng.nextInt(5000), in);
            }
            case K8S_NODE -> {
                ProcessImage containerd =
                        host.daemon(
                                "/usr/bin/containerd",
                                List.of("/usr/bin/containerd"),
                                UserAccount.ROOT,
                                rng);
                ProcessImage kubelet =
                        host.daemon(
                                "/usr/bin/kubelet",
                                List.of(
                                        "/usr/bin/kubelet",
                                        "--config=/var/lib/kubelet/config.yaml"),
                                UserAccount.ROOT,
                                rng);
                a.connect(host, now, kubelet, host.init(), "tcp", "10.24.0.1", 6443);
                if (rng.nextInt(4) == 0) {
                    a.connect(host, now + 3, containerd, host.init(), "tcp", pick(REGISTRIES), 443);
                }
            }
            case CACHE -> {
                ProcessImage redis =
                        host.daemon(
                                "/usr/bin/redis-server",
                                List.of("/usr/bin/redis-server", "0.0.0.0:6379"),
                                new UserAccount("116", "redis"),
                                rng);
                a.accept(
                        host,
                        now,
                        redis,
                        host.init(),
                        "10.22." + rng.nextInt(4) + "." + (4 + rng.nextInt(200)),
                        6379);
            }
            case CI_RUNNER -> ciJob(a, host, now);
            default -> daemonTraffic(a, host, now);
        }
    }

    /**
     * A CI job clones from GitHub and pushes to a registry, all under the runner, never under sshd.
     */
    private void ciJob(Activity a, FleetHost host, long now) {
        UserAccount runner = new UserAccount("999", "gitlab-runner");
        ProcessImage daemon =
                host.daemon(
                        "/usr/bin/gitlab-runner",
                        List.of(
                                "/usr/bin/gitlab-runner",
                                "run",
                                "--working-directory",
                                "/home/gitlab-runner"),
                        runner,
                        rng);
        ProcessImage shell =
                a.forkExec(
                        host,
                        now,
                        now + 1,
                        daemon,
                        runner,
                        "/home/gitlab-runner/builds",
                        "bash",
                        "/usr/bin/bash",
                        List.of("bash", "--login"));
        ProcessImage git =
                a.forkExec(
                        host,
                        now + 5,
                        now + 6,
                        shell,
                        runner,
                        "/home/gitlab-runner/builds",
                        "git",
                        "/usr/bin/git",
                        List.of("git", "fetch", "origin", "--prune"));
        a.connect(host, now + 20, git, shell, "tcp", pick(GITHUB), 443);
        a.end(host, now + 800 + rng.nextInt(2000), git, shell);
        a.end(host, now + 3000 + rng.nextInt(2000), shell, daemon);
    }

    private void cronJob(Activity a, FleetHost host, long now) {
        ProcessImage cron =
                host.daemon(
                        host.os.usesApt() ? "/usr/sbin/cron" : "/usr/sbin/crond",
                        List.of(host.os.usesApt() ? "/usr/sbin/cron" : "/usr/sbin/crond", "-f"),
                        UserAccount.ROOT,
                        rng);
        int job = rng.nextInt(4);
        String command =
                switch (job) {
                    case 0 -> "/usr/local/bin/backup.sh > /var/log/backup.log 2>&1";
                    case 1 -> "cd / && run-parts --report /etc/cron.hourly";
                    case 2 -> "/usr/bin/php /var/www/app/artisan schedule:run >> /dev/null 2>&1";
                    default ->
                            "test -x /usr/sbin/logrotate && /usr/sbin/logrotate"
                                    + " /etc/logrotate.conf";
                };
        UserAccount user = job == 2 ? new UserAccount("33", "www-data") : UserAccount.ROOT;
        ProcessImage sh =
                a.forkExec(
                        host,
                        now,
                        now + 1,
                        cron,
                        user,
                        "/",
                        "sh",
                        "/usr/bin/dash",
                        List.of("/bin/sh", "-c", command));
        long t = now + 3;
        ProcessImage worker;
        switch (job) {
            case 0 -> {
                worker =
                        a.forkExec(
                                host,
                                t,
                                t + 1,
                                sh,
                                user,
                                "/",
                                "aws",
                                "/usr/local/bin/aws",
                                List.of(
                                        "aws",
                                        "s3",
                                        "cp",
                                        "/var/backups/db.sql.gz",
                                        "s3://corp-backups/" + host.name + "/"));
                FleetEvent out =
                        a.connect(
                                host,
                                t + 400 + rng.nextInt(300),
                                worker,
                                sh,
                                "tcp",
                                pick(AWS),
                                443);
                a.disconnect(host, t + 2000 + rng.nextInt(4000), out);
            }
            case 1 ->
                    worker =
                            a.forkExec(
                                    host,
                                    t,
                                    t + 1,
                                    sh,
                                    user,
                                    "/",
                                    "run-parts",
                                    "/usr/bin/run-parts",
                                    List.of("run-parts", "--report", "/etc/cron.hourly"));
            case 2 -> {
                worker =
                        a.forkExec(
                                host,
                                t,
                                t + 1,
                                sh,
                                user,
                                "/var/www/app",
                                "php",
                                "/usr/bin/php8.1",
                                List.of("/usr/bin/php", "/var/www/app/artisan", "schedule:run"));
                a.connect(
                        host,
                        t + 30 + rng.nextInt(100),
                        worker,
                        sh,
                        "tcp",
                        "10.21.0." + (4 + rng.nextInt(20)),
                        5432);
            }
            default -> {
                worker =
                        a.forkExec(
                                host,
                                t,
                                t + 1,
                                sh,
                                user,
                                "/",
                                "logrotate",
                                "/usr/sbin/logrotate",
                                List.of("/usr/sbin/logrotate", "/etc/logrotate.conf"));
                a.file(host, t + 20, EventShape.FILE_CREATION, worker, sh, "/var/log/syslog.1");
                a.file(host, t + 25, EventShape.FILE_DELETION, worker, sh, "/var/log/syslog.7.gz");
            }
        }
        long end = t + 200 + rng.nextInt(3000);
        a.end(host, end, worker, sh);
        a.end(host, end + 2, sh, cron);
    }

    private void systemdUnit(Activity a, FleetHost host, long now) {
        ProcessImage init = host.init();
        String[][] units = {
            {"systemd-tmpfiles", "/usr/bin/systemd-tmpfiles", "systemd-tmpfiles --clean"},
            {
                "fstrim",
                "/usr/sbin/fstrim",
                "/sbin/fstrim --listed-in /etc/fstab:/proc/self/mountinfo --verbose"
            },
            {"sa1", "/usr/lib/sysstat/sa1", "/usr/lib/sysstat/sa1 1 1"},
            {"certbot", "/usr/bin/certbot", "/usr/bin/certbot -q renew --no-random-sleep-on-renew"},
        };
        String[] unit = units[rng.nextInt(units.length)];
        ProcessImage p =
                a.forkExec(
                        host,
                        now,
                        now + 1,
                        init,
                        UserAccount.ROOT,
                        "/",
                        unit[0],
                        unit[1],
                        List.of(unit[2].split(" ")));
        a.end(host, now + 20 + rng.nextInt(2000), p, init);
    }

    private void logWrite(Activity a, FleetHost host, long now) {
        ProcessImage rsyslog =
                host.daemon(
                        "/usr/sbin/rsyslogd",
                        List.of("/usr/sbin/rsyslogd", "-n", "-iNONE"),
                        host.os.usesApt() ? new UserAccount("104", "syslog") : UserAccount.ROOT,
                        rng);
        a.file(
                host,
                now,
                EventShape.FILE_MODIFICATION,
                rsyslog,
                host.init(),
                pick(
                        "/var/log/syslog",
                        "/var/log/auth.log",
                        "/var/log/messages",
                        "/var/log/secure",
                        "/var/log/kern.log"));
    }

    /** Linux Defend has no DNS events; resolution shows as UDP to the local or VPC resolver. */
    private void resolverQuery(Activity a, FleetHost host, long now) {
        ProcessImage resolved =
                host.daemon(
                        "/usr/lib/systemd/systemd-resolved",
                        List.of("/lib/systemd/systemd-resolved"),
                        new UserAccount("990", "systemd-resolve"),
                        rng);
        FleetEvent out =
                a.connect(
                        host,
                        now,
                        resolved,
                        host.init(),
                        "udp",
                        pick("10.0.0.2", "169.254.169.253"),
                        53);
        if (rng.nextBoolean()) {
            a.disconnect(host, now + 1 + rng.nextInt(30), out);
        }
    }

    private void packageUpdate(Activity a, FleetHost host, long now) {
        ProcessImage init = host.init();
        if (host.os.usesApt()) {
            ProcessImage apt =
                    a.forkExec(
                            host,
                            now,
                            now + 1,
                            init,
                            UserAccount.ROOT,
                            "/",
                            "apt-get",
                            "/usr/bin/apt-get",
                            List.of("apt-get", "-qq", "update"));
            ProcessImage method =
                    a.forkExec(
                            host,
                            now + 40,
                            now + 41,
                            apt,
                            new UserAccount("42", "_apt"),
                            "/",
                            "http",
                            "/usr/lib/apt/methods/http",
                            List.of("/usr/lib/apt/methods/http"));
            FleetEvent c1 = a.connect(host, now + 60, method, apt, "tcp", pick(UBUNTU_ARCHIVE), 80);
            FleetEvent c2 = a.connect(host, now + 65, method, apt, "tcp", pick(UBUNTU_ARCHIVE), 80);
            a.file(
                    host,
                    now + 900,
                    EventShape.FILE_CREATION,
                    apt,
                    init,
                    "/var/lib/apt/lists/archive.ubuntu.com_ubuntu_dists_jammy-updates_InRelease");
            a.disconnect(host, now + 1200, c1);
            a.disconnect(host, now + 1250, c2);
            a.end(host, now + 1300, method, apt);
            a.end(host, now + 1500, apt, init);
        } else {
            ProcessImage dnf =
                    a.forkExec(
                            host,
                            now,
                            now + 1,
                            init,
                            UserAccount.ROOT,
                            "/",
                            "dnf",
                            "/usr/bin/dnf-3",
                            List.of("/usr/bin/python3", "/usr/bin/dnf", "makecache", "--timer"));
            FleetEvent c1 = a.connect(host, now + 300, dnf, init, "tcp", pick(RHEL_MIRRORS), 443);
            a.file(
                    host,
                    now + 2000,
                    EventShape.FILE_CREATION,
                    dnf,
                    init,
                    "/var/cache/dnf/baseos-repomd.xml");
            a.disconnect(host, now + 2100, c1);
            a.end(host, now + 2500, dnf, init);
        }
    }

    /** A person logs in, looks around, maybe pulls code or downloads something, and leaves. */
    private void interactiveSession(Activity a, FleetHost host, long now) {
        UserAccount user = admin(host);
        SshLogin login =
                SshLogin.open(
                        a,
                        host,
                        rng,
                        now,
                        SshLogin.MIN_AUTH_DELAY_MS + rng.nextInt(8_000),
                        user,
                        sshClientIp(),
                        rng.nextInt(5) != 0,
                        "bash",
                        "/usr/bin/bash",
                        List.of("-bash"));
        if (host.os.family().equals("ubuntu") && rng.nextBoolean()) {
            motdNews(a, host, login);
        }
        long t = login.shellExecMs() + FIRST_COMMAND_MS + rng.nextInt(4_000);
        int commands = 2 + rng.nextInt(6);
        for (int i = 0; i < commands; i++) {
            t = command(a, login, t) + 500 + rng.nextInt(8_000);
        }
        login.close(a, t);
    }

    /** One shell command at time {@code t}; returns when it ended. */
    private long command(Activity a, SshLogin login, long t) {
        FleetHost host = login.host();
        ProcessImage shell = login.shell();
        UserAccount user = shell.user();
        String cwd = shell.workingDirectory();
        int roll = rng.nextInt(100);
        if (roll < 60) {
            String name = pick(INTERACTIVE_COMMANDS);
            ProcessImage p =
                    a.forkExec(
                            host,
                            t,
                            t + 1,
                            shell,
                            user,
                            cwd,
                            name,
                            "/usr/bin/" + name,
                            List.of(
                                    name,
                                    pick(
                                            "-la",
                                            "/var/log/syslog",
                                            "nginx",
                                            "-h",
                                            "--since=-1h",
                                            "-tulpn")));
            if (name.equals("vim")) {
                a.file(host, t + 2_000, EventShape.FILE_MODIFICATION, p, shell, cwd + "/.bashrc");
            }
            long end =
                    t
                            + 50
                            + rng.nextInt(
                                    name.equals("vim") || name.equals("less") ? 30_000 : 2_000);
            a.end(host, end, p, shell);
            return end;
        }
        if (roll < 70) {
            ProcessImage sudo =
                    a.forkExec(
                            host,
                            t,
                            t + 1,
                            shell,
                            user,
                            cwd,
                            "sudo",
                            "/usr/bin/sudo",
                            List.of("sudo", "systemctl", "restart", "nginx"));
            ProcessImage ctl =
                    a.forkExec(
                            host,
                            t + 2_000,
                            t + 2_001,
                            sudo,
                            UserAccount.ROOT,
                            cwd,
                            "systemctl",
                            "/usr/bin/systemctl",
                            List.of("systemctl", "restart", "nginx"));
            a.end(host, t + 2_400, ctl, sudo);
            a.end(host, t + 2_410, sudo, shell);
            return t + 2_410;
        }
        if (roll < 78) {
            String target =
                    "10.2" + rng.nextInt(8) + "." + rng.nextInt(4) + "." + (4 + rng.nextInt(200));
            ProcessImage ssh =
                    a.forkExec(
                            host,
                            t,
                            t + 1,
                            shell,
                            user,
                            cwd,
                            "ssh",
                            "/usr/bin/ssh",
                            List.of("ssh", user.name() + "@" + target));
            FleetEvent out = a.connect(host, t + 3, ssh, shell, "tcp", target, 22);
            long end = t + 5_000 + rng.nextInt(55_000);
            a.disconnect(host, end - 1, out);
            a.end(host, end, ssh, shell);
            return end;
        }
        if (roll < 86) {
            ProcessImage curl =
                    a.forkExec(
                            host,
                            t,
                            t + 1,
                            shell,
                            user,
                            cwd,
                            "curl",
                            "/usr/bin/curl",
                            List.of("curl", "-s", "http://10.20.0.15:8080/health"));
            a.connect(host, t + 3, curl, shell, "tcp", "10.20.0.15", 8080);
            a.end(host, t + 40, curl, shell);
            return t + 40;
        }
        if (roll < 93) {
            // Public traffic from a child of the shell, but long after the exec: the pending exec
            // is consumed
            // without an alert, exactly what the 1 s window is for.
            ProcessImage git =
                    a.forkExec(
                            host,
                            t,
                            t + 1,
                            shell,
                            user,
                            cwd + "/src/app",
                            "git",
                            "/usr/bin/git",
                            List.of("git", "pull", "--ff-only"));
            FleetEvent out = a.connect(host, t + 15, git, shell, "tcp", pick(GITHUB), 443);
            a.disconnect(host, t + 900, out);
            a.end(host, t + 950, git, shell);
            return t + 950;
        }
        ProcessImage wget =
                a.forkExec(
                        host,
                        t,
                        t + 1,
                        shell,
                        user,
                        cwd,
                        "wget",
                        "/usr/bin/wget",
                        List.of(
                                "wget",
                                "-q",
                                "https://github.com/prometheus/node_exporter/releases/download/v1.8.2/"
                                    + "node_exporter-1.8.2.linux-amd64.tar.gz"));
        a.connect(host, t + 20, wget, shell, "tcp", pick(GITHUB), 443);
        a.file(
                host,
                t + 1_500,
                EventShape.FILE_CREATION,
                wget,
                shell,
                cwd + "/node_exporter-1.8.2.linux-amd64.tar.gz");
        a.end(host, t + 1_600, wget, shell);
        return t + 1_600;
    }

    /**
     * Ubuntu's pam_motd: the session sshd runs sh (a stage-1 exec), whose grandchild curl fetches
     * motd news from a public address within milliseconds. The connection's parent is the motd
     * script, not the sh, so no alert.
     */
    private void motdNews(Activity a, FleetHost host, SshLogin login) {
        long t = login.shellExecMs() - 400 - rng.nextInt(400);
        ProcessImage sh =
                a.forkExec(
                        host,
                        t,
                        t + 1,
                        login.session(),
                        UserAccount.ROOT,
                        "/",
                        "sh",
                        "/usr/bin/dash",
                        List.of(
                                "sh",
                                "-c",
                                "/usr/bin/env -i"
                                    + " PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
                                    + " run-parts --lsbsysinit /etc/update-motd.d >"
                                    + " /run/motd.dynamic.new"));
        ProcessImage runParts =
                a.forkExec(
                        host,
                        t + 3,
                        t + 4,
                        sh,
                        UserAccount.ROOT,
                        "/",
                        "run-parts",
                        "/usr/bin/run-parts",
                        List.of("run-parts", "--lsbsysinit", "/etc/update-motd.d"));
        ProcessImage news =
                a.forkExec(
                        host,
                        t + 10,
                        t + 11,
                        runParts,
                        UserAccount.ROOT,
                        "/",
                        "50-motd-news",
                        "/etc/update-motd.d/50-motd-news",
                        List.of("/bin/sh", "/etc/update-motd.d/50-motd-news"));
        ProcessImage curl =
                a.forkExec(
                        host,
                        t + 15,
                        t + 16,
                        news,
                        UserAccount.ROOT,
                        "/",
                        "curl",
                        "/usr/bin/curl",
                        List.of(
                                "curl",
                                "--connect-timeout",
                                "3",
                                "-A",
                                "curl/7.81.0",
                                "https://motd.ubuntu.com"));
        FleetEvent out = a.connect(host, t + 20, curl, news, "tcp", pick(MOTD_NEWS), 443);
        a.disconnect(host, t + 180, out);
        a.end(host, t + 190, curl, news);
        a.end(host, t + 200, news, runParts);
        a.end(host, t + 210, runParts, sh);
        a.end(host, t + 215, sh, login.session());
    }

    /**
     * Ansible over SSH: quick pubkey login, sh -c python3 module; it only talks to the internal
     * mirror.
     */
    private void automationSession(Activity a, FleetHost host, long now) {
        UserAccount ansible = new UserAccount("1600", "ansible");
        String module = pick("apt", "copy", "service", "setup", "lineinfile");
        String tmp =
                "/home/ansible/.ansible/tmp/ansible-tmp-"
                        + (now / 1000)
                        + ".51-"
                        + (1000 + rng.nextInt(9000));
        SshLogin login =
                SshLogin.open(
                        a,
                        host,
                        rng,
                        now,
                        150 + rng.nextInt(450),
                        ansible,
                        "10.20.0." + (30 + rng.nextInt(4)),
                        true,
                        "sh",
                        "/usr/bin/dash",
                        List.of(
                                "/bin/sh",
                                "-c",
                                "sudo -H -S -n -u root /bin/sh -c 'echo BECOME-SUCCESS;"
                                        + " /usr/bin/python3 "
                                        + tmp
                                        + "/AnsiballZ_"
                                        + module
                                        + ".py' && sleep 0"));
        long t = login.shellExecMs();
        ProcessImage python =
                a.forkExec(
                        host,
                        t + 20,
                        t + 21 + rng.nextInt(60),
                        login.shell(),
                        ansible,
                        tmp,
                        "python3",
                        "/usr/bin/python3.10",
                        List.of("/usr/bin/python3", tmp + "/AnsiballZ_" + module + ".py"));
        if (module.equals("apt")) {
            FleetEvent out =
                    a.connect(
                            host,
                            t + 200 + rng.nextInt(400),
                            python,
                            login.shell(),
                            "tcp",
                            "10.20.0.40",
                            80);
            a.disconnect(host, t + 1_500, out);
        }
        a.file(
                host,
                t + 700,
                EventShape.FILE_DELETION,
                python,
                login.shell(),
                tmp + "/AnsiballZ_" + module + ".py");
        a.end(host, t + 1_800, python, login.shell());
        login.close(a, t + 1_900 + rng.nextInt(500));
    }

    /** sftp: the subsystem replaces the shell; it reads and writes files and never connects out. */
    private void sftpSession(Activity a, FleetHost host, long now) {
        UserAccount user = new UserAccount("1500", "deploy");
        SshLogin login =
                SshLogin.open(
                        a,
                        host,
                        rng,
                        now,
                        300 + rng.nextInt(2_000),
                        user,
                        "10.20.0.50",
                        true,
                        "sftp-server",
                        "/usr/lib/openssh/sftp-server",
                        List.of("/usr/lib/openssh/sftp-server"));
        long t = login.shellExecMs();
        int files = 1 + rng.nextInt(4);
        for (int i = 0; i < files; i++) {
            a.file(
                    host,
                    t + 100 + i * 700L,
                    EventShape.FILE_CREATION,
                    login.shell(),
                    login.shellParent(),
                    "/srv/releases/app-" + (100 + rng.nextInt(900)) + ".tar.gz");
        }
        login.close(a, t + 500 + files * 700L);
    }

    /**
     * Duo two-factor: the login shell is login_duo (a stage-1 exec), which calls the public Duo API
     * right away, allowlisted by name; after the push is approved it execs the real shell in the
     * same process.
     */
    private void duoSession(Activity a, FleetHost host, long now) {
        UserAccount user = admin(host);
        SshLogin login =
                SshLogin.open(
                        a,
                        host,
                        rng,
                        now,
                        SshLogin.MIN_AUTH_DELAY_MS + rng.nextInt(3_000),
                        user,
                        sshClientIp(),
                        true,
                        "login_duo",
                        "/usr/sbin/login_duo",
                        List.of("/usr/sbin/login_duo"));
        long t = login.shellExecMs();
        FleetEvent duo =
                a.connect(
                        host,
                        t + 80 + rng.nextInt(300),
                        login.shell(),
                        login.shellParent(),
                        "tcp",
                        pick(DUO_API),
                        443);
        a.disconnect(host, t + 3_000, duo);
        long shellMs = t + 4_000 + rng.nextInt(10_000);
        ProcessImage bash = login.shell().exec("bash", "/usr/bin/bash", List.of("-bash"));
        a.exec(host, shellMs, bash, login.shellParent());
        SshLogin asBash =
                new SshLogin(
                        host,
                        login.listener(),
                        login.session(),
                        login.shellParent(),
                        bash,
                        login.accepted(),
                        login.shellExec(),
                        shellMs);
        long end = command(a, asBash, shellMs + FIRST_COMMAND_MS + rng.nextInt(3_000)) + 1_000;
        asBash.close(a, end);
    }

    /**
     * OpenSSH 9.8+: sshd execs sshd-session (a stage-1 exec), and the shell's parent is
     * sshd-session, so the rule (written for /usr/sbin/sshd) does not see these shells. A quick
     * curl from such a shell is therefore noise.
     */
    private void openSsh98Session(Activity a, FleetHost host, long now) {
        UserAccount user = admin(host);
        ProcessImage listener = SshLogin.listener(host, rng);
        FleetEvent accepted = a.accept(host, now, listener, host.init(), sshClientIp(), 22);
        ProcessImage session =
                a.forkExec(
                        host,
                        now + 1,
                        now + 2,
                        listener,
                        UserAccount.ROOT,
                        "/",
                        "sshd-session",
                        "/usr/lib/openssh/sshd-session",
                        List.of("sshd-session: " + user.name() + " [priv]"));
        long shellMs = now + SshLogin.MIN_AUTH_DELAY_MS + rng.nextInt(5_000);
        ProcessImage bash =
                a.forkExec(
                        host,
                        shellMs - 1,
                        shellMs,
                        session,
                        user,
                        SshLogin.home(user),
                        "bash",
                        "/usr/bin/bash",
                        List.of("-bash"));
        long t = shellMs + 200 + rng.nextInt(700);
        ProcessImage curl =
                a.forkExec(
                        host,
                        t,
                        t + 1,
                        bash,
                        user,
                        SshLogin.home(user),
                        "curl",
                        "/usr/bin/curl",
                        List.of("curl", "-s", "https://ifconfig.me"));
        a.connect(host, t + 5, curl, bash, "tcp", "34.160.111.145", 443);
        a.end(host, t + 300, curl, bash);
        long end = t + 5_000 + rng.nextInt(20_000);
        a.end(host, end, bash, session);
        a.end(host, end + 3, session, listener);
        a.disconnect(host, end + 4, accepted);
    }

    private void windows(Activity a, FleetHost host, long now) {
        ProcessImage services =
                host.daemon(
                        "C:\\Windows\\System32\\services.exe",
                        List.of("C:\\Windows\\system32\\services.exe"),
                        UserAccount.WINDOWS_SYSTEM,
                        rng);
        UserAccount person =
                new UserAccount(
                        "S-1-5-21-3623811015-3361044348-30300820-" + (1100 + host.index % 50),
                        pick("alice", "bob", "carol", "dave"));
        ProcessImage explorer =
                host.daemon(
                        "C:\\Windows\\explorer.exe",
                        List.of("C:\\Windows\\Explorer.EXE"),
                        person,
                        rng);
        switch (rng.nextInt(5)) {
            case 0 -> {
                ProcessImage svc =
                        a.start(
                                host,
                                now,
                                services,
                                UserAccount.WINDOWS_SYSTEM,
                                "C:\\Windows\\system32\\",
                                "svchost.exe",
                                "C:\\Windows\\System32\\svchost.exe",
                                List.of(
                                        "C:\\Windows\\system32\\svchost.exe",
                                        "-k",
                                        "netsvcs",
                                        "-p",
                                        "-s",
                                        pick("BITS", "wuauserv", "Schedule", "UsoSvc")));
                FleetEvent out =
                        a.connect(host, now + 50, svc, services, "tcp", pick(MICROSOFT), 443);
                a.disconnect(host, now + 4_000, out);
                a.end(host, now + 5_000 + rng.nextInt(20_000), svc, services);
            }
            case 1 -> {
                ProcessImage edge =
                        host.daemonChild(
                                "msedge",
                                explorer,
                                "msedge.exe",
                                List.of(
                                        "C:\\Program Files"
                                            + " (x86)\\Microsoft\\Edge\\Application\\msedge.exe"),
                                person,
                                rng);
                a.lookup(
                        host,
                        now,
                        edge,
                        explorer,
                        pick(
                                "outlook.office365.com",
                                "teams.microsoft.com",
                                "www.bing.com",
                                "github.com"));
                a.connect(host, now + 30, edge, explorer, "tcp", pick(MICROSOFT), 443);
            }
            case 2 -> {
                ProcessImage ps =
                        a.start(
                                host,
                                now,
                                explorer,
                                person,
                                "C:\\Users\\" + person.name() + "\\",
                                "powershell.exe",
                                "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
                                List.of("powershell.exe", "-NoProfile", "-Command", "Get-Service"));
                a.end(host, now + 2_000 + rng.nextInt(5_000), ps, explorer);
            }
            case 3 ->
                    a.file(
                            host,
                            now,
                            EventShape.FILE_CREATION,
                            explorer,
                            services,
                            "C:\\Users\\"
                                    + person.name()
                                    + "\\Downloads\\report-"
                                    + rng.nextInt(1000)
                                    + ".pdf");
            default -> {
                ProcessImage dns =
                        host.daemonChild(
                                "dnscache",
                                services,
                                "svchost.exe",
                                List.of(
                                        "C:\\Windows\\system32\\svchost.exe",
                                        "-k",
                                        "NetworkService",
                                        "-p",
                                        "-s",
                                        "Dnscache"),
                                new UserAccount("S-1-5-20", "NETWORK SERVICE"),
                                rng);
                a.lookup(
                        host,
                        now,
                        dns,
                        services,
                        pick(
                                "login.microsoftonline.com",
                                "settings-win.data.microsoft.com",
                                "wpad.corp.example.com",
                                "fs01.corp.example.com"));
            }
        }
    }

    private void macos(Activity a, FleetHost host, long now) {
        ProcessImage launchd = host.init();
        UserAccount person = new UserAccount("501", pick("alice", "bob", "carol"));
        switch (rng.nextInt(5)) {
            case 0 -> {
                ProcessImage xpc =
                        a.forkExec(
                                host,
                                now,
                                now + 1,
                                launchd,
                                UserAccount.ROOT,
                                "/",
                                "xpcproxy",
                                "/usr/libexec/xpcproxy",
                                List.of("xpcproxy", "com.apple.mdworker.shared"));
                a.end(host, now + 500 + rng.nextInt(5_000), xpc, launchd);
            }
            case 1 -> {
                ProcessImage webkit =
                        host.daemon(
                                "/System/Library/Frameworks/WebKit.framework/Versions/A/XPCServices/"
                                    + "com.apple.WebKit.Networking.xpc/Contents/MacOS/com.apple.WebKit.Networking",
                                List.of("com.apple.WebKit.Networking"),
                                person,
                                rng);
                a.connect(host, now, webkit, launchd, "tcp", pick(APPLE), 443);
            }
            case 2 -> {
                ProcessImage mdns =
                        host.daemon(
                                "/usr/sbin/mDNSResponder",
                                List.of("/usr/sbin/mDNSResponder"),
                                new UserAccount("65", "_mdnsresponder"),
                                rng);
                a.lookup(
                        host,
                        now,
                        mdns,
                        launchd,
                        pick("www.apple.com", "gateway.icloud.com", "github.com", "slack.com"));
            }
            case 3 ->
                    a.file(
                            host,
                            now,
                            EventShape.FILE_MODIFICATION,
                            launchd,
                            null,
                            "/Users/"
                                    + person.name()
                                    + "/Library/Preferences/com.apple.finder.plist");
            default -> {
                if (rng.nextInt(4) == 0) {
                    macSshSession(a, host, now, person);
                } else {
                    a.lookup(host, now, launchd, null, "time.apple.com");
                }
            }
        }
    }

    /**
     * sshd on macOS starts zsh and a child curls out at once: identical shape, but host.os.type is
     * "macos".
     */
    private void macSshSession(Activity a, FleetHost host, long now, UserAccount person) {
        ProcessImage sshd =
                host.daemon(
                        "/usr/sbin/sshd", List.of("/usr/sbin/sshd", "-i"), UserAccount.ROOT, rng);
        FleetEvent in =
                a.accept(host, now, sshd, host.init(), "192.168.1." + (20 + rng.nextInt(200)), 22);
        long shellMs = now + 1_000 + rng.nextInt(3_000);
        ProcessImage zsh =
                a.forkExec(
                        host,
                        shellMs - 1,
                        shellMs,
                        sshd,
                        person,
                        "/Users/" + person.name(),
                        "zsh",
                        "/bin/zsh",
                        List.of("-zsh"));
        ProcessImage curl =
                a.forkExec(
                        host,
                        shellMs + 100,
                        shellMs + 101,
                        zsh,
                        person,
                        "/Users/" + person.name(),
                        "curl",
                        "/usr/bin/curl",
                        List.of("curl", "-fsSL", "https://raw.githubusercontent.com/x/y/z.sh"));
        a.connect(host, shellMs + 120 + rng.nextInt(700), curl, zsh, "tcp", "185.199.108.133", 443);
        a.end(host, shellMs + 1_000, curl, zsh);
        a.end(host, shellMs + 9_000, zsh, sshd);
        a.disconnect(host, shellMs + 9_001, in);
    }

    private UserAccount admin(FleetHost host) {
        return switch (rng.nextInt(5)) {
            case 0 -> UserAccount.ROOT;
            case 1 ->
                    new UserAccount(
                            "1000", host.os.family().equals("amzn") ? "ec2-user" : "ubuntu");
            case 2 -> new UserAccount("1001", "alice");
            case 3 -> new UserAccount("1002", "bob");
            default -> new UserAccount("1003", "carol");
        };
    }

    /** Most SSH comes from the bastion; some hosts face the internet. */
    private String sshClientIp() {
        return rng.nextInt(4) == 0 ? publicClientIp() : "10.25.0." + (4 + rng.nextInt(4));
    }

    private String publicClientIp() {
        return pick(CLIENT_PREFIXES)
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
}
