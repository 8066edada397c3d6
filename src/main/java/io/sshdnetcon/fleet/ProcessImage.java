package io.sshdnetcon.fleet;

import java.util.List;

/**
 * One process as Elastic Defend describes it. A fork keeps the parent's image under a new entity id and pid;
 * an exec keeps the entity id and pid and changes the image.
 */
record ProcessImage(
        String entityId,
        int pid,
        String name,
        String executable,
        List<String> args,
        String workingDirectory,
        UserAccount user,
        String commandLine) {

    ProcessImage {
        args = List.copyOf(args);
    }

    /** {@code command_line} is the args joined by spaces, computed once: images are written many times. */
    ProcessImage(String entityId, int pid, String name, String executable, List<String> args,
            String workingDirectory, UserAccount user) {
        this(entityId, pid, name, executable, args, workingDirectory, user, String.join(" ", args));
    }

    /** What a fork event shows: the child's identity with the parent's image (nothing has been exec'd yet). */
    ProcessImage forkedFrom(ProcessImage parent) {
        return new ProcessImage(entityId, pid, parent.name, parent.executable, parent.args, parent.workingDirectory,
                user);
    }

    /** What an exec event shows: the same process running a new program. */
    ProcessImage exec(String newName, String newExecutable, List<String> newArgs) {
        return new ProcessImage(entityId, pid, newName, newExecutable, newArgs, workingDirectory, user);
    }

    ProcessImage withExecutable(String newExecutable) {
        return new ProcessImage(entityId, pid, name, newExecutable, args, workingDirectory, user);
    }
}
