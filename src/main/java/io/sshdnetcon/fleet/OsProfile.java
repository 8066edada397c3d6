package io.sshdnetcon.fleet;

import java.util.List;

/**
 * The {@code host.os.*} and {@code host.architecture} values of one kind of machine, as Defend
 * reports them.
 */
record OsProfile(
        String type,
        String family,
        String name,
        String platform,
        String version,
        String kernel,
        String architecture) {

    static final List<OsProfile> LINUX =
            List.of(
                    new OsProfile(
                            "linux",
                            "ubuntu",
                            "Ubuntu",
                            "ubuntu",
                            "22.04.4 LTS (Jammy Jellyfish)",
                            "5.15.0-105-generic #115-Ubuntu SMP Mon Apr 15 09:52:04 UTC 2024",
                            "x86_64"),
                    new OsProfile(
                            "linux",
                            "ubuntu",
                            "Ubuntu",
                            "ubuntu",
                            "24.04.1 LTS (Noble Numbat)",
                            "6.8.0-45-generic #45-Ubuntu SMP PREEMPT_DYNAMIC Fri Aug 30 12:02:04"
                                    + " UTC 2024",
                            "x86_64"),
                    new OsProfile(
                            "linux",
                            "ubuntu",
                            "Ubuntu",
                            "ubuntu",
                            "22.04.4 LTS (Jammy Jellyfish)",
                            "6.5.0-1020-aws #20~22.04.1-Ubuntu SMP Wed May  1 16:10:50 UTC 2024",
                            "aarch64"),
                    new OsProfile(
                            "linux",
                            "debian",
                            "Debian GNU/Linux",
                            "debian",
                            "12 (bookworm)",
                            "6.1.0-25-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.106-3 (2024-08-26)",
                            "x86_64"),
                    new OsProfile(
                            "linux",
                            "rhel",
                            "Red Hat Enterprise Linux",
                            "rhel",
                            "9.4 (Plow)",
                            "5.14.0-427.13.1.el9_4.x86_64 #1 SMP PREEMPT_DYNAMIC Wed Apr 10"
                                    + " 10:29:16 EDT 2024",
                            "x86_64"),
                    new OsProfile(
                            "linux",
                            "rocky",
                            "Rocky Linux",
                            "rocky",
                            "9.3 (Blue Onyx)",
                            "5.14.0-362.8.1.el9_3.x86_64 #1 SMP PREEMPT_DYNAMIC Wed Nov 8 17:36:32"
                                    + " UTC 2023",
                            "x86_64"),
                    new OsProfile(
                            "linux",
                            "amzn",
                            "Amazon Linux",
                            "amzn",
                            "2023",
                            "6.1.61-85.amzn2023.x86_64 #1 SMP PREEMPT_DYNAMIC Wed Nov  8 00:39:49"
                                    + " UTC 2023",
                            "x86_64"));

    static final List<OsProfile> WINDOWS =
            List.of(
                    new OsProfile(
                            "windows",
                            "windows",
                            "Windows Server 2022 Datacenter",
                            "windows",
                            "21H2",
                            "21H2 (10.0.20348.2340)",
                            "x86_64"),
                    new OsProfile(
                            "windows",
                            "windows",
                            "Windows 11 Enterprise",
                            "windows",
                            "23H2",
                            "23H2 (10.0.22631.3447)",
                            "x86_64"));

    static final List<OsProfile> MACOS =
            List.of(
                    new OsProfile("macos", "macos", "macOS", "macos", "14.4.1", "23.4.0", "arm64"),
                    new OsProfile("macos", "macos", "macOS", "macos", "15.1", "24.1.0", "arm64"));

    boolean isLinux() {
        return type.equals("linux");
    }

    boolean isWindows() {
        return type.equals("windows");
    }

    /** Debian-family hosts update with apt, the Red Hat family with dnf/yum. */
    boolean usesApt() {
        return family.equals("ubuntu") || family.equals("debian");
    }
}
