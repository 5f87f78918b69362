package dev.cscs.agent.applier;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.agent.os.CommandRunner.Command;
import dev.cscs.agent.os.CommandRunner.Result;
import dev.cscs.agent.os.FileState;
import dev.cscs.agent.os.NoFollow;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * {@code sshd/<name>} → all entries' settings merged into {@code etc/ssh/sshd_config.d/90-cscs.conf},
 * one line per option (a later domain's value wins), sorted by option name.
 *
 * <p>sshd keeps the first value it reads for an option, so a drop-in that sorts before ours
 * (e.g. cloud-init's {@code 50-cloud-init.conf}) silently wins. Verify therefore asks
 * {@code sshd -T} for the effective values and reports an option another file overrides.
 *
 * <p>Apply checks before it commits: {@code sshd -t} reads a staged copy of the main file whose
 * Include of the drop-in directory names a staged copy of that directory ({@link SshdIncludes}),
 * so a drop-in sshd refuses never appears under its real name, not even for a moment. A crash
 * after the rename and before the reload (or before verify) leaves the apply journal's intent:
 * recovery puts the previous drop-in back, and the next plan writes it again, with both checks
 * and the reload.
 */
final class SshdApplier extends FileApplier {
    static final String DIR = "etc/ssh/sshd_config.d";
    static final String FILE = DIR + "/90-cscs.conf";
    static final String MAIN = "etc/ssh/sshd_config";
    static final int MAX_SETTINGS = 64;

    /** Whether systemd runs as PID 1 here; injected by tests, as this is host state outside any root. */
    private final BooleanSupplier systemd;

    SshdApplier() {
        this(ServiceApplier::systemdRunning);
    }

    SshdApplier(BooleanSupplier systemd) {
        this.systemd = systemd;
    }

    @Override
    public String name() {
        return "sshd";
    }

    @Override
    public void validate(String name, JsonNode value) {
        settings(name, value);
    }

    /** Canonical option name → rendered value, in the order given. */
    Map<String, String> settings(String name, JsonNode value) {
        Fields f = Fields.of(name(), name, value, Set.of("settings"));
        JsonNode s = f.required("settings");
        if (!s.isObject()) {
            throw f.invalid("settings", "must be an object of sshd options, got " + Fields.typeOf(s));
        }
        if (s.size() > MAX_SETTINGS) {
            throw f.invalid("settings", "has " + s.size() + " options; at most " + MAX_SETTINGS);
        }
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, String> seen = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : s.properties()) {
            String field = "settings." + e.getKey();
            SshdOptions.Option o = SshdOptions.option(f, field, e.getKey());
            String twice = seen.put(o.name(), e.getKey());
            if (twice != null) {
                throw f.invalid(field, "sets " + o.name() + " again (also as " + twice + "); option names are case-insensitive");
            }
            out.put(o.name(), SshdOptions.render(f, field, o, e.getValue()));
        }
        return out;
    }

    @Override
    Rendered render(List<DesiredEntry> desired, ApplyContext ctx) {
        TreeMap<String, Target> files = new TreeMap<>();
        if (desired.isEmpty()) {
            return new Rendered(files, List.of());
        }
        Map<String, String> merged = new TreeMap<>();
        Map<String, String> from = new TreeMap<>();
        List<String> notes = new ArrayList<>();
        List<String> origins = new ArrayList<>();
        for (DesiredEntry e : desired) {
            String origin = e.domain() + "/" + e.name();
            origins.add(origin);
            settings(e.name(), e.value()).forEach((k, v) -> {
                String old = merged.put(k, v);
                String oldFrom = from.put(k, origin);
                if (old != null && !old.equals(v)) {
                    notes.add("sshd: " + k + " " + v + " from " + origin + " overrides " + old + " from " + oldFrom);
                }
            });
        }
        StringBuilder b = new StringBuilder(Managed.HEADER).append('\n');
        b.append("# Keys sshd/* merged in domain order: ").append(String.join(", ", origins)).append('\n');
        b.append("# sshd keeps the first value it reads: a file sorting before this one overrides it.\n");
        merged.forEach((k, v) -> b.append(k).append(' ').append(v).append('\n'));
        files.put(FILE, new Content(b.toString()));
        return new Rendered(files, notes);
    }

    @Override
    List<String> candidates(List<DesiredEntry> desired, ApplyContext ctx) {
        return List.of(FILE);
    }

    @Override
    List<LiveAction> planLive(List<DesiredEntry> desired, List<FileOp> files, List<String> notes, ApplyContext ctx) {
        return files.isEmpty() ? List.of() : List.of(new LiveAction.SshdReload());
    }

    @Override
    void checkBeforeWrite(Plan plan, ApplyContext ctx) {
        if (!plan.files().isEmpty()) {
            checkStaged(plan.files(), ctx);
        }
    }

    /**
     * sshd -t of the configuration as it will be after {@code ops}, before any of them is
     * committed: a copy of the drop-in directory with the new files, and a copy of the main
     * file whose Include of the drop-in directory names that copy instead, so sshd reads every
     * other line and drop-in as it is live.
     */
    private static void checkStaged(List<FileOp> ops, ApplyContext ctx) {
        Path dropIns = ctx.path(DIR);
        Path scratch = null;
        try {
            // the state dir may not exist yet; never through a link (scratch copies go there)
            NoFollow.createDirectories(ctx.stateDir(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            scratch = Files.createTempDirectory(ctx.stateDir(), "sshd-check-");
            Path staged = Files.createDirectory(scratch.resolve("sshd_config.d"));
            if (Files.isDirectory(dropIns, LinkOption.NOFOLLOW_LINKS)) {
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(dropIns)) {
                    for (Path p : entries) {
                        // a link is copied as a link: an absolute one reads the same file as live
                        Files.copy(p, staged.resolve(p.getFileName()), LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
            for (FileOp op : ops) {
                Path p = staged.resolve(ctx.path(op.path()).getFileName());
                Files.deleteIfExists(p);
                if (op instanceof FileOp.Write w) {
                    Files.writeString(p, w.content());
                }
            }
            Path main = ctx.path(MAIN);
            Path config = main;
            if (Files.isRegularFile(main)) {
                config = Files.writeString(scratch.resolve("sshd_config"), SshdIncludes.redirect(Files.readString(main), dropIns, staged));
            }
            Command c = Command.of(ctx.commandTimeout(), "sshd", "-t", "-f", config.toString());
            Result r = ctx.runner().run(c);
            if (!r.ok()) {
                throw new CscsException(ErrorCode.INVALID_VALUE, "sshd: `sshd -t` refused the configuration with the new "
                        + FILE + ", which was not installed and sshd was not reloaded: " + r.describeFailure());
            }
        } catch (IOException e) {
            throw new CscsException(ErrorCode.IO, "sshd: cannot stage the configuration for sshd -t in " + scratch + ": " + e, e);
        } finally {
            deleteTree(scratch);
        }
    }

    @Override
    void checkAfterWrite(Plan plan, ApplyContext ctx) {
        if (plan.isEmpty()) {
            return;
        }
        // again on the live files right before the reload: another drop-in may have changed since the staged check
        Command c = Command.of(ctx.commandTimeout(), "sshd", "-t", "-f", ctx.path(MAIN).toString());
        Result r = ctx.runner().run(c);
        if (!r.ok()) {
            throw new CscsException(ErrorCode.INVALID_VALUE, "sshd: `" + c.display() + "` refused the configuration, sshd was "
                    + "not reloaded: " + r.describeFailure());
        }
    }

    @Override
    void perform(LiveAction action, ApplyContext ctx, List<LiveAction> undo, List<String> notes) {
        if (!(action instanceof LiveAction.SshdReload)) {
            super.perform(action, ctx, undo, notes);
            return;
        }
        reload(ctx, undo, notes, action);
    }

    private void reload(ApplyContext ctx, List<LiveAction> undo, List<String> notes, LiveAction action) {
        if (systemd.getAsBoolean()) {
            for (String unit : List.of("ssh.service", "sshd.service")) {
                if (ctx.runner().run(Command.live(ctx.commandTimeout(), "systemctl", "is-active", "--quiet", unit)).ok()) {
                    run(ctx, "systemctl", "reload", unit);
                    undo.add(action);
                    return;
                }
            }
            notes.add("sshd: neither ssh.service nor sshd.service is active; nothing to reload");
            return;
        }
        Path pidFile = ctx.path("run/sshd.pid");
        String pid = Files.isRegularFile(pidFile) && FileState.read(pidFile) instanceof FileState.Regular r ? r.text().strip() : "";
        if (!pid.matches("[1-9][0-9]{0,9}")) {
            notes.add("sshd: not running (no systemd unit, no /run/sshd.pid); nothing to reload");
            return;
        }
        run(ctx, "kill", "-HUP", pid);
        undo.add(action);
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            // a leftover scratch directory in the state directory is read by nothing
        }
    }

    private static void run(ApplyContext ctx, String... argv) {
        Command c = Command.live(ctx.commandTimeout(), argv);
        ctx.runner().run(c).orThrow(ErrorCode.IO, "sshd: cannot reload", c);
    }

    @Override
    void verifyState(Applied applied, ApplyContext ctx) {
        Map<String, String> wanted = new TreeMap<>();
        for (FileChange c : applied.files()) {
            if (c.path().equals(FILE) && c.after() instanceof FileState.Regular r) {
                r.text().lines().filter(l -> !l.startsWith("#") && l.indexOf(' ') > 0)
                        .forEach(l -> wanted.put(l.substring(0, l.indexOf(' ')), l.substring(l.indexOf(' ') + 1)));
            }
        }
        if (wanted.isEmpty()) {
            return;
        }
        Command c = Command.of(ctx.commandTimeout(), "sshd", "-T", "-f", ctx.path(MAIN).toString());
        Map<String, String> effective = new TreeMap<>();
        ctx.runner().run(c).orThrow(ErrorCode.IO, "sshd: cannot read the effective configuration", c).stdout().lines()
                .filter(l -> l.indexOf(' ') > 0)
                .forEach(l -> effective.putIfAbsent(l.substring(0, l.indexOf(' ')), l.substring(l.indexOf(' ') + 1)));
        for (Map.Entry<String, String> w : wanted.entrySet()) {
            String key = w.getKey().toLowerCase(Locale.ROOT);
            String want = comparable(w.getValue());
            String have = effective.get(key);
            // only choices and numbers compare cleanly; sshd -T rewrites lists, times and patterns
            if (have == null || !SshdOptions.comparable(w.getKey())) {
                continue;
            }
            if (!comparable(have).equals(want)) {
                throw new CscsException(ErrorCode.IO, "sshd: the effective " + w.getKey() + " is " + have + ", not "
                        + w.getValue() + ": a configuration file read before " + FILE + " sets it, and sshd keeps the first value");
            }
        }
    }

    private static String comparable(String v) {
        String lower = v.toLowerCase(Locale.ROOT);
        // sshd -T prints the older spelling of these two
        return lower.equals("prohibit-password") ? "without-password" : lower.equals("debug") ? "debug1" : lower;
    }
}
