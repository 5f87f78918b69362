package dev.cscs.agent.applier;

import dev.cscs.agent.os.FileState;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The ownership mark. A file is cscs's only if its first line starts with {@link #MARK}; the
 * header is plain ASCII because dnf, apt, sysctl, sshd and nft all read it as a comment in
 * whatever locale they run.
 */
final class Managed {
    static final String MARK = "# Managed by cscs";
    static final String HEADER = MARK + " - do not edit; changes are reverted.";

    private Managed() {
    }

    static boolean isManaged(FileState state) {
        return state instanceof FileState.Regular r && r.text().startsWith(MARK);
    }

    /**
     * Relative paths ({@code dir/prefix*suffix}) of the entries in {@code dir} under the root;
     * the caller decides from their content whether they are managed.
     */
    static List<String> list(ApplyContext ctx, String dir, String prefix, String suffix) {
        Path d = ctx.path(dir);
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(d)) {
            return out;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(d)) {
            for (Path p : entries) {
                String n = p.getFileName().toString();
                if (n.startsWith(prefix) && n.endsWith(suffix) && n.length() > prefix.length() + suffix.length()) {
                    out.add(dir + "/" + n);
                }
            }
        } catch (NotDirectoryException e) {
            return out;
        } catch (IOException e) {
            throw new CscsException(ErrorCode.IO, "cannot list " + d + ": " + e, e);
        }
        out.sort(null);
        return out;
    }

    static CscsException conflict(String applier, String path, FileState found) {
        return new CscsException(ErrorCode.IO, applier + ": refusing to replace or remove " + path + " (" + found
                + "): it was not written by cscs (no '" + MARK + "' first line); move it away or delete it by hand");
    }
}
