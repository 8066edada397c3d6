package io.sshdnetcon.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Collects the events of one activity (a cron run, an SSH session, a planted attack) with the
 * process-tree vocabulary of Defend: fork, exec, end, connection, file and DNS events at absolute
 * event times. Events may be added in any time order; the generator sorts them.
 */
final class Activity {

    private final SplittableRandom rng;
    private final List<FleetEvent> events = new ArrayList<>();

    Activity(SplittableRandom rng) {
        this.rng = rng;
    }

    List<FleetEvent> events() {
        return events;
    }

    /** Fork then exec on Linux/macOS: the child first shows the parent's image, then its own. */
    ProcessImage forkExec(
            FleetHost host,
            long forkMs,
            long execMs,
            ProcessImage parent,
            UserAccount user,
            String workingDirectory,
            String name,
            String executable,
            List<String> args) {
        ProcessImage child =
                host.newProcess(
                        forkMs,
                        rng,
                        parent.name(),
                        parent.executable(),
                        parent.args(),
                        workingDirectory,
                        user);
        add(host, forkMs, EventShape.PROCESS_FORK, child, parent);
        ProcessImage execd = child.exec(name, executable, args);
        add(host, execMs, EventShape.PROCESS_EXEC, execd, parent);
        return execd;
    }

    /** Windows: a single start event. */
    ProcessImage start(
            FleetHost host,
            long ms,
            ProcessImage parent,
            UserAccount user,
            String workingDirectory,
            String name,
            String executable,
            List<String> args) {
        ProcessImage child =
                host.newProcess(ms, rng, name, executable, args, workingDirectory, user);
        add(host, ms, EventShape.PROCESS_START, child, parent);
        return child;
    }

    FleetEvent exec(FleetHost host, long ms, ProcessImage image, ProcessImage parent) {
        return add(host, ms, EventShape.PROCESS_EXEC, image, parent);
    }

    FleetEvent end(FleetHost host, long ms, ProcessImage image, ProcessImage parent) {
        return add(host, ms, EventShape.PROCESS_END, image, parent);
    }

    FleetEvent connect(
            FleetHost host,
            long ms,
            ProcessImage image,
            ProcessImage parent,
            String transport,
            String remoteIp,
            int remotePort) {
        String localIp = host.localAddressFor(remoteIp);
        FleetEvent.Connection c =
                FleetEvent.Connection.egress(
                        transport, localIp, ephemeralPort(), remoteIp, remotePort);
        return add(
                new FleetEvent(
                        ms,
                        host,
                        host.nextEventId(),
                        EventShape.CONNECTION_ATTEMPTED,
                        image,
                        parent,
                        c,
                        null,
                        null,
                        FleetEvent.Quirks.NONE,
                        KeyStyle.NESTED));
    }

    FleetEvent accept(
            FleetHost host,
            long ms,
            ProcessImage image,
            ProcessImage parent,
            String remoteIp,
            int localPort) {
        String localIp = host.localAddressFor(remoteIp);
        FleetEvent.Connection c =
                FleetEvent.Connection.ingress("tcp", remoteIp, ephemeralPort(), localIp, localPort);
        return add(
                new FleetEvent(
                        ms,
                        host,
                        host.nextEventId(),
                        EventShape.CONNECTION_ACCEPTED,
                        image,
                        parent,
                        c,
                        null,
                        null,
                        FleetEvent.Quirks.NONE,
                        KeyStyle.NESTED));
    }

    /** The end of a connection, as seen from the same 5-tuple. */
    FleetEvent disconnect(FleetHost host, long ms, FleetEvent opened) {
        return add(
                new FleetEvent(
                        ms,
                        host,
                        host.nextEventId(),
                        EventShape.DISCONNECT_RECEIVED,
                        opened.process(),
                        opened.parent(),
                        opened.connection(),
                        null,
                        null,
                        FleetEvent.Quirks.NONE,
                        KeyStyle.NESTED));
    }

    FleetEvent file(
            FleetHost host,
            long ms,
            EventShape shape,
            ProcessImage image,
            ProcessImage parent,
            String path) {
        return add(
                new FleetEvent(
                        ms,
                        host,
                        host.nextEventId(),
                        shape,
                        image,
                        parent,
                        null,
                        path,
                        null,
                        FleetEvent.Quirks.NONE,
                        KeyStyle.NESTED));
    }

    FleetEvent lookup(
            FleetHost host, long ms, ProcessImage image, ProcessImage parent, String question) {
        return add(
                new FleetEvent(
                        ms,
                        host,
                        host.nextEventId(),
                        EventShape.LOOKUP_REQUESTED,
                        image,
                        parent,
                        null,
                        null,
                        question,
                        FleetEvent.Quirks.NONE,
                        KeyStyle.NESTED));
    }

    /**
     * Fork only (a privilege-separated sshd child, a subshell): the child keeps the parent's image.
     */
    ProcessImage fork(FleetHost host, long ms, ProcessImage parent, UserAccount user) {
        ProcessImage child =
                host.newProcess(
                        ms,
                        rng,
                        parent.name(),
                        parent.executable(),
                        parent.args(),
                        parent.workingDirectory(),
                        user);
        add(host, ms, EventShape.PROCESS_FORK, child, parent);
        return child;
    }

    /** Moves an event to the end, so that among equal timestamps it is delivered last. */
    void moveToEnd(FleetEvent event) {
        if (!events.remove(event)) {
            throw new IllegalArgumentException("not part of this activity: " + event.eventId());
        }
        events.add(event);
    }

    /** Replaces an already added event (same id) with a changed copy, e.g. one with quirks. */
    FleetEvent replace(FleetEvent old, FleetEvent changed) {
        int at = events.indexOf(old);
        if (at < 0) {
            throw new IllegalArgumentException("not part of this activity: " + old.eventId());
        }
        events.set(at, changed);
        return changed;
    }

    private FleetEvent add(
            FleetHost host, long ms, EventShape shape, ProcessImage image, ProcessImage parent) {
        return add(
                new FleetEvent(
                        ms,
                        host,
                        host.nextEventId(),
                        shape,
                        image,
                        parent,
                        null,
                        null,
                        null,
                        FleetEvent.Quirks.NONE,
                        KeyStyle.NESTED));
    }

    private FleetEvent add(FleetEvent event) {
        events.add(event);
        return event;
    }

    int ephemeralPort() {
        return 32_768 + rng.nextInt(28_232);
    }
}
