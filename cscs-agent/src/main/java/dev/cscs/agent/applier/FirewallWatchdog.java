package dev.cscs.agent.applier;

import dev.cscs.agent.os.AtomicFiles;
import dev.cscs.agent.os.CommandRunner.Command;
import dev.cscs.agent.os.CommandRunner.Result;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * Commit-confirm's rollback timer, kept outside the daemon so that it outlives a kill -9.
 *
 * <p>Before a new ruleset is loaded, {@link #arm} makes two files durable in
 * {@code <stateDir>/firewall-confirm/}: {@code TOKEN.nft}, the previous table as nft loads it
 * (or a delete of the table when there was none), and the pending record {@code TOKEN.pending}.
 * Then it starts the watchdog, a detached process (or, under systemd, a transient timer, since
 * systemd kills a dead service's leftover processes): when the window ends it renames
 * {@code TOKEN.pending} to {@code TOKEN.fired} and, only if that rename succeeded, loads the
 * backup. Confirming is unlinking {@code TOKEN.pending}. The rename and the unlink are atomic
 * against each other, so exactly one side wins: a confirm that finds the record gone knows the
 * watchdog rolled back, and a watchdog never acts on a confirmed record. Nothing is ever
 * killed, so no reused PID can be hit, and the token is random per arm, so an old watchdog
 * never acts on a newer record.
 *
 * <p>A record left by a daemon that died is found by {@link #left} and rolled back by
 * {@link #rollBack}, which claims it the same way first.
 */
final class FirewallWatchdog {
    static final String DIR = "firewall-confirm";
    private static final String PENDING = ".pending";
    private static final String FIRED = ".fired";
    private static final String BACKUP = ".nft";
    /** $1 seconds, $2 pending record, $3 its claimed name, $4 backup; paths never reach the script text. */
    private static final String SCRIPT = "exec </dev/null >/dev/null 2>&1; sleep \"$1\"; "
            + "mv -T \"$2\" \"$3\" && nft -f \"$4\" && rm -f \"$3\" \"$4\"";
    private static final SecureRandom RANDOM = new SecureRandom();

    private FirewallWatchdog() {
    }

    /** Saves {@code previousListing} and starts a watchdog that restores it after {@code window} unless confirmed. */
    static void arm(ApplyContext ctx, String previousListing, Duration window, BooleanSupplier systemd) {
        byte[] raw = new byte[16];
        RANDOM.nextBytes(raw);
        String token = HexFormat.of().formatHex(raw);
        Path backup = file(ctx, token, BACKUP);
        Path pending = file(ctx, token, PENDING);
        AtomicFiles.write(backup, (NftRender.REPLACE_PREAMBLE + previousListing).getBytes(StandardCharsets.UTF_8),
                AtomicFiles.DEFAULT_MODE);
        AtomicFiles.write(pending, ("unconfirmed ruleset loaded at " + ctx.clock().instant() + "; rolled back "
                + window.toMillis() + " ms later unless this file is removed\n").getBytes(StandardCharsets.UTF_8),
                AtomicFiles.DEFAULT_MODE);
        long ms = Math.max(1, window.toMillis());
        String seconds = String.format(Locale.ROOT, "%d.%03d", ms / 1000, ms % 1000);
        List<String> argv = new ArrayList<>();
        if (systemd.getAsBoolean()) {
            argv.addAll(List.of("systemd-run", "--quiet", "--collect", "--unit=cscs-firewall-rollback-" + token,
                    "--on-active=" + seconds, "/bin/sh", "-c", SCRIPT, "cscs-firewall-watchdog", "0"));
        } else {
            argv.addAll(List.of("setsid", "-f", "sh", "-c", SCRIPT, "cscs-firewall-watchdog", seconds));
        }
        argv.addAll(List.of(pending.toString(), file(ctx, token, FIRED).toString(), backup.toString()));
        // live: under a test's netns prefix the watchdog, and the nft it runs, stay in that namespace
        Command c = Command.live(ctx.commandTimeout(), argv.toArray(String[]::new));
        Result r = ctx.runner().run(c);
        if (!r.ok()) {
            // nothing is loaded yet: without a watchdog the new ruleset must not go live
            disarm(ctx);
            throw new CscsException(ErrorCode.IO, "firewall: cannot start the commit-confirm watchdog, the ruleset was not "
                    + "loaded: `" + c.display() + "` " + r.describeFailure());
        }
    }

    /**
     * Confirms: removes every pending record, so no watchdog acts. False if one was already
     * claimed by its watchdog, which then has restored (or is restoring) the previous table.
     */
    static boolean disarm(ApplyContext ctx) {
        boolean all = true;
        for (String token : left(ctx)) {
            try {
                // not synced: after a power cut the kernel's ruleset is gone anyway, and a record that
                // comes back only makes recovery load the previous table before the desired one again
                Files.delete(file(ctx, token, PENDING));
            } catch (NoSuchFileException e) {
                all = false;
            } catch (IOException e) {
                throw new CscsException(ErrorCode.IO, "firewall: cannot confirm the new ruleset: " + e, e);
            }
            deleteQuietly(file(ctx, token, BACKUP));
        }
        return all;
    }

    /** Tokens of the records an apply left unconfirmed or a watchdog left half done. */
    static List<String> left(ApplyContext ctx) {
        Path dir = ctx.stateDir().resolve(DIR);
        TreeSet<String> tokens = new TreeSet<>();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String n = p.getFileName().toString();
                for (String suffix : List.of(PENDING, FIRED)) {
                    if (n.endsWith(suffix) && n.length() > suffix.length()) {
                        tokens.add(n.substring(0, n.length() - suffix.length()));
                    }
                }
            }
        } catch (IOException e) {
            throw new CscsException(ErrorCode.IO, "firewall: cannot list " + dir + ": " + e, e);
        }
        return List.copyOf(tokens);
    }

    /** Claims the record of {@code token} and loads its backup: the previous table is back in force. */
    static void rollBack(ApplyContext ctx, String token) {
        Path pending = file(ctx, token, PENDING);
        Path fired = file(ctx, token, FIRED);
        Path backup = file(ctx, token, BACKUP);
        try {
            Files.move(pending, fired, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            // its watchdog claimed it first; loading the same backup again is harmless
        } catch (IOException e) {
            throw new CscsException(ErrorCode.IO, "firewall: cannot claim the unconfirmed ruleset record " + pending + ": " + e, e);
        }
        if (Files.isRegularFile(backup)) {
            Command c = Command.live(ctx.commandTimeout(), "nft", "-f", backup.toString());
            ctx.runner().run(c).orThrow(ErrorCode.IO, "firewall: cannot roll back the unconfirmed ruleset", c);
        }
        deleteQuietly(fired);
        deleteQuietly(backup);
    }

    private static Path file(ApplyContext ctx, String token, String suffix) {
        return ctx.stateDir().resolve(DIR).resolve(token + suffix);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover backup without its record is never loaded
        }
    }
}
