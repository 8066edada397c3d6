package io.sshdnetcon.fleet;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The process tree of one OpenSSH (before 9.8) login, shared by ordinary sessions and planted
 * sequences:
 *
 * <pre>
 * sshd -D (listener)  accepts :22
 *  └─ sshd -D -R      fork + exec at +1..4 ms       (a stage-1 exec: its parent is /usr/sbin/sshd)
 *      └─ sshd        fork only, the user's privilege-separated child (most logins)
 *          └─ shell   fork + exec after authentication (the stage-1 exec the rule is about)
 * </pre>
 *
 * Authentication takes at least {@value #MIN_AUTH_DELAY_MS} ms for humans, so the re-exec'd sshd is
 * never within the 1 s window of anything the shell does; automation logins are quicker and are
 * handled by their callers.
 */
record SshLogin(
        FleetHost host,
        ProcessImage listener,
        ProcessImage session,
        ProcessImage shellParent,
        ProcessImage shell,
        FleetEvent accepted,
        FleetEvent shellExec,
        long shellExecMs) {

    static final long MIN_AUTH_DELAY_MS = 2_000;
    static final String SSHD = "/usr/sbin/sshd";

    /** The listener every Linux host runs, started by systemd at boot. */
    static ProcessImage listener(FleetHost host, SplittableRandom rng) {
        return host.daemon(
                SSHD,
                List.of(
                        "sshd:",
                        "/usr/sbin/sshd",
                        "-D",
                        "[listener]",
                        "0",
                        "of",
                        "10-100",
                        "startups"),
                UserAccount.ROOT,
                rng);
    }

    /**
     * Opens a login: the accepted connection at {@code startMs}, the session sshd, and the shell
     * exec'd at {@code startMs + authDelayMs} with the given image.
     */
    static SshLogin open(
            Activity activity,
            FleetHost host,
            SplittableRandom rng,
            long startMs,
            long authDelayMs,
            UserAccount user,
            String remoteIp,
            boolean privilegeSeparated,
            String shellName,
            String shellExecutable,
            List<String> shellArgs) {
        ProcessImage listener = listener(host, rng);
        FleetEvent accepted = activity.accept(host, startMs, listener, host.init(), remoteIp, 22);
        long forkMs = startMs + 1 + rng.nextInt(2);
        ProcessImage forked = activity.fork(host, forkMs, listener, UserAccount.ROOT);
        ProcessImage session = forked.exec("sshd", SSHD, List.of("/usr/sbin/sshd", "-D", "-R"));
        activity.exec(host, forkMs + 1 + rng.nextInt(2), session, listener);
        long shellExecMs = startMs + authDelayMs;
        ProcessImage shellParent =
                privilegeSeparated
                        ? activity.fork(host, shellExecMs - 3 - rng.nextInt(20), session, user)
                        : session;
        ProcessImage shellForked =
                activity.fork(host, shellExecMs - 1 - rng.nextInt(2), shellParent, user);
        ProcessImage shell =
                new ProcessImage(
                        shellForked.entityId(),
                        shellForked.pid(),
                        shellName,
                        shellExecutable,
                        shellArgs,
                        home(user),
                        user);
        FleetEvent shellExec = activity.exec(host, shellExecMs, shell, shellParent);
        return new SshLogin(
                host, listener, session, shellParent, shell, accepted, shellExec, shellExecMs);
    }

    /** Ends the shell, the session and the connection at about {@code endMs}. */
    void close(Activity activity, long endMs) {
        activity.end(host, endMs, shell, shellParent);
        if (shellParent != session) {
            activity.end(host, endMs + 2, shellParent, session);
        }
        activity.end(host, endMs + 4, session, listener);
        activity.disconnect(host, endMs + 5, accepted);
    }

    static String home(UserAccount user) {
        return user.name().equals("root") ? "/root" : "/home/" + user.name();
    }
}
