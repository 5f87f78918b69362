package dev.cscs.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.stream.Stream;

/** The bytes of the regular files under a directory (links not followed), as {@code du --apparent-size} counts them; and removing it. */
final class DiskUsage {
    private DiskUsage() {
    }

    static long of(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.mapToLong(DiskUsage::size).sum();
        }
    }

    private static long size(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile() ? a.size() : 0;
        } catch (IOException e) {
            return 0; // removed while walking (a purged log segment)
        }
    }

    /** Removes {@code dir} and what is under it (links themselves, not their targets); what cannot be removed is named. */
    static void removeTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    System.out.println("  (could not remove " + p + ": " + e.getMessage() + ")");
                }
            });
        } catch (IOException e) {
            System.out.println("  (could not remove " + dir + ": " + e.getMessage() + ")");
        }
    }
}
