package dev.cscs.agent.os;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.util.ArrayDeque;

/**
 * Path resolution that never follows a symlinked directory. A link anywhere below the root
 * (say {@code etc/yum.repos.d -> /elsewhere}) would make a write under the root land outside
 * it, so every directory component is read with {@code NOFOLLOW_LINKS} and a link is refused
 * with the component and its target named. Only the final component may be a link; whoever
 * reads it ({@link FileState#read}) does not follow it either.
 *
 * <p>Java has no {@code openat}: a root process racing the agent between this check and the
 * write could still swap a directory for a link. Such a process can write there itself; the
 * threat here is a link left in place, which is refused every time.
 */
public final class NoFollow {
    private NoFollow() {
    }

    /**
     * {@code relative} (already normalized, inside the root) resolved under {@code root}, after
     * checking that every existing directory between them is a real directory. Missing ones are
     * fine: {@link #createDirectories} makes them without following links.
     */
    public static Path under(Path root, String relative) {
        Path rel = Path.of(relative);
        Path at = root;
        boolean exists = true;
        // below the first missing component there is nothing to check
        for (int i = 0; exists && i < rel.getNameCount() - 1; i++) {
            at = at.resolve(rel.getName(i));
            exists = realDirectoryOrAbsent(at, root, relative);
        }
        return root.resolve(rel);
    }

    /** Like {@link #under}, and the final component must be a real directory (or absent) too. */
    public static Path directoryUnder(Path root, String relative) {
        Path p = under(root, relative);
        realDirectoryOrAbsent(p, root, relative);
        return p;
    }

    /** Throws unless {@code dir} is a directory and not a link; used right before a rename or unlink in it. */
    public static void requireDirectory(Path dir) {
        try {
            BasicFileAttributes a = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink()) {
                throw linked(dir, dir.toString());
            }
            if (!a.isDirectory()) {
                throw new CscsException(ErrorCode.IO, dir + " is not a directory");
            }
        } catch (IOException e) {
            throw new CscsException(ErrorCode.IO, "cannot read " + dir + ": " + e, e);
        }
    }

    /**
     * Creates the missing directories of {@code dir} one at a time, below its deepest existing
     * ancestor, which must be a real directory: {@code Files.createDirectories} would follow a
     * link there. The components above that ancestor were checked by {@link #under}. Each new
     * directory's entry is made durable in its parent (fsync) before the next one is made in it,
     * so a power cut never loses a directory a file was then committed to.
     */
    public static void createDirectories(Path dir, FileAttribute<?> mode) throws IOException {
        Path existing = dir.toAbsolutePath();
        ArrayDeque<Path> missing = new ArrayDeque<>();
        while (existing.getParent() != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            missing.push(existing);
            existing = existing.getParent();
        }
        requireDirectory(existing);
        while (!missing.isEmpty()) {
            // createDirectory never follows a link in the last component: a link raced in is an error
            Path made = Files.createDirectory(missing.pop(), mode);
            AtomicFiles.syncDirectory(made.getParent());
        }
    }

    private static boolean realDirectoryOrAbsent(Path at, Path root, String relative) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(at, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new CscsException(ErrorCode.IO, "cannot read " + at + ": " + e, e);
        }
        if (a.isSymbolicLink()) {
            throw linked(at, relative + " under the root " + root);
        }
        if (!a.isDirectory()) {
            throw new CscsException(ErrorCode.IO, "refusing " + relative + " under the root " + root + ": " + at
                    + " is not a directory");
        }
        return true;
    }

    private static CscsException linked(Path link, String what) {
        String target;
        try {
            target = Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            target = "(unreadable: " + e.getMessage() + ")";
        }
        return new CscsException(ErrorCode.IO, "refusing " + what + ": " + link + " is a symlink to " + target
                + "; cscs never follows a linked directory (a write could land outside the root): replace the link by a "
                + "real directory");
    }
}
