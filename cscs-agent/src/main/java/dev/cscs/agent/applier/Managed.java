package dev.cscs.agent.applier;

import dev.cscs.agent.os.FileState;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The header every file cscs renders starts with, a warning to whoever opens the file. It does
 * not decide ownership: the manifest ({@link Ownership}) does. It counts only in migration, for
 * a file that holds exactly what cscs renders now ({@link FileApplier#adoptable}). Plain ASCII,
 * because dnf, apt, sysctl, sshd and nft all read it as a comment in whatever locale they run.
 */
final class Managed {
    static final String MARK = "# Managed by cscs";
    static final String HEADER = MARK + " - do not edit; changes are reverted.";

    private Managed() {
    }

    static boolean hasHeader(FileState state) {
        return state instanceof FileState.Regular r && r.text().startsWith(MARK);
    }

    /**
     * Relative paths ({@code dir/prefix*suffix}) of the entries in {@code dir} under the root;
     * the caller decides from their content whether they are managed.
     */
    static List<String> list(ApplyContext ctx, String dir, String prefix, String suffix) {
        Path d = ctx.directory(dir);
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
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
        return new CscsException(ErrorCode.IO, applier + ": refusing to replace " + path + " (" + found
                + "): cscs did not write it (it is not in the ownership manifest); the rest of " + applier
                + " is applied; move the file away (or delete it) and cscs writes its own at the next reconcile");
    }
}
