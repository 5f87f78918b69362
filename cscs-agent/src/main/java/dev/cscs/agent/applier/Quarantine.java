package dev.cscs.agent.applier;

import dev.cscs.agent.os.AtomicFiles;
import dev.cscs.agent.os.FileState;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Keeps what someone else put at an owned path before cscs puts its own version back: the
 * evidence of a hand edit or a tampering attempt. One file per finding,
 * {@code <stateDir>/quarantine/<utc-time>-<path with / as %2F>}, mode 0600 (a foreign file may
 * hold secrets), created new and never through a link; a symlink found there is kept as
 * {@code ….symlink} holding its target. Nothing here is ever read back by cscs.
 */
final class Quarantine {
    static final String DIR = "quarantine";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final int MAX_SAME_NAME = 100;

    private Quarantine() {
    }

    /** Stores {@code found} (what is at {@code path} now) and returns where; null when it is absent. */
    static String keep(ApplyContext ctx, String path, FileState found) {
        byte[] bytes;
        String suffix = "";
        if (found instanceof FileState.Regular r) {
            bytes = r.content();
        } else if (found instanceof FileState.Symlink s) {
            bytes = (s.target() + "\n").getBytes(StandardCharsets.UTF_8);
            suffix = ".symlink";
        } else {
            return null;
        }
        Path dir = ctx.stateDir().resolve(DIR);
        String base = TIME.format(ctx.clock().instant()) + "-" + escape(path);
        for (int n = 0; n < MAX_SAME_NAME; n++) {
            Path target = dir.resolve(base + (n == 0 ? "" : "-" + n) + suffix);
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            AtomicFiles.createNew(target, bytes, PosixFilePermissions.fromString("rw-------"));
            return target.toString();
        }
        throw new CscsException(ErrorCode.IO, "cannot quarantine " + path + ": " + MAX_SAME_NAME + " files named " + base
                + " already exist in " + dir);
    }

    /** A path as one file name: {@code %} and {@code /} percent-escaped, so it reads back unambiguously. */
    static String escape(String path) {
        return path.replace("%", "%25").replace("/", "%2F");
    }
}
