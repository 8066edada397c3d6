package io.sshdnetcon.fleet;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.io.SerializedString;
import java.util.List;

/**
 * One process as Elastic Defend describes it. A fork keeps the parent's image under a new entity id
 * and pid; an exec keeps the entity id and pid and changes the image.
 *
 * @param json the image's strings as JSON, derived from the other components: an image is written
 *     into several events (fork, exec, end, connections, and as the parent of its children), so it
 *     is encoded once
 */
record ProcessImage(
        String entityId,
        int pid,
        String name,
        String executable,
        List<String> args,
        String workingDirectory,
        UserAccount user,
        Json json) {

    /**
     * Pre-encoded values; {@link SerializedString} caches its UTF-8 bytes after the first write.
     */
    record Json(
            SerializedString entityId,
            SerializedString name,
            SerializedString executable,
            SerializedString commandLine,
            SerializedString workingDirectory,
            SerializedString argsArray) {

        static Json of(
                String entityId,
                String name,
                String executable,
                List<String> args,
                String workingDirectory) {
            StringBuilder array = new StringBuilder(16 * args.size() + 2).append('[');
            for (int i = 0; i < args.size(); i++) {
                if (i > 0) {
                    array.append(',');
                }
                array.append('"')
                        .append(JsonStringEncoder.getInstance().quoteAsString(args.get(i)))
                        .append('"');
            }
            return new Json(
                    new SerializedString(entityId),
                    new SerializedString(name),
                    new SerializedString(executable),
                    new SerializedString(String.join(" ", args)),
                    new SerializedString(workingDirectory),
                    new SerializedString(array.append(']').toString()));
        }
    }

    ProcessImage {
        args = List.copyOf(args);
    }

    ProcessImage(
            String entityId,
            int pid,
            String name,
            String executable,
            List<String> args,
            String workingDirectory,
            UserAccount user) {
        this(
                entityId,
                pid,
                name,
                executable,
                args,
                workingDirectory,
                user,
                Json.of(entityId, name, executable, args, workingDirectory));
    }

    String commandLine() {
        return json.commandLine().getValue();
    }

    /** What an exec event shows: the same process running a new program. */
    ProcessImage exec(String newName, String newExecutable, List<String> newArgs) {
        return new ProcessImage(
                entityId, pid, newName, newExecutable, newArgs, workingDirectory, user);
    }

    ProcessImage withExecutable(String newExecutable) {
        return new ProcessImage(entityId, pid, name, newExecutable, args, workingDirectory, user);
    }
}
