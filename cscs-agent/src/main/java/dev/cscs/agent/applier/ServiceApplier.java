package dev.cscs.agent.applier;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.agent.os.CommandRunner.Command;
import dev.cscs.agent.os.CommandRunner.Result;
import dev.cscs.agent.os.FileState;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Names;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * {@code service/<unit>} with {@code {"state": "masked"}} → symlink {@code etc/systemd/system/<unit>
 * → /dev/null}; with {@code "disabled"} → the unit's enablement symlinks in
 * {@code etc/systemd/system/*.wants|requires|upholds/} removed, as {@code systemctl disable} does.
 *
 * <p>The masks cscs created are in the ownership manifest as symlinks: deleting a key unmasks
 * only those, never a mask an administrator or a package made (a mask already there when the
 * key arrives stays theirs). The list {@code var/lib/cscs/agent/service-masks.list} of earlier
 * versions is read once, to adopt the masks it names that the keys still want, and then
 * removed. Deleting a {@code disabled} key enables nothing. Live (only when systemd is PID 1): daemon-reload, and stop units that still run.
 * Verify asks {@code systemctl is-enabled}, offline with {@code --root}.
 */
final class ServiceApplier extends FileApplier {
    static final String UNITS = "etc/systemd/system";
    static final String LEGACY_LIST = "var/lib/cscs/agent/service-masks.list";
    static final String DEV_NULL = "/dev/null";
    private static final Pattern UNIT = Pattern.compile(".+\\.(service|socket|timer|path|target|mount|automount|swap)");
    private static final Set<String> ENABLEMENT_DIRS = Set.of(".wants", ".requires", ".upholds");

    /** Whether systemd runs as PID 1 here; injected by tests, as this is host state outside any root. */
    private final BooleanSupplier systemd;

    ServiceApplier() {
        this(ServiceApplier::systemdRunning);
    }

    ServiceApplier(BooleanSupplier systemd) {
        this.systemd = systemd;
    }

    @Override
    public String name() {
        return "service";
    }

    @Override
    public void validate(String name, JsonNode value) {
        state(name, value);
    }

    String state(String unit, JsonNode value) {
        String key = Fields.checkName(name(), unit);
        if (!UNIT.matcher(unit).matches()) {
            throw Fields.error(key, "is not a unit name: it must end in .service, .socket, .timer, .path, .target, .mount, "
                    + ".automount or .swap, e.g. telnet.socket");
        }
        if (unit.startsWith("cscs")) {
            throw Fields.error(key, "cscs does not mask or disable its own units: that would cut the node off");
        }
        Fields f = Fields.of(name(), unit, value, Set.of("state"));
        String s = f.requiredString("state", 16);
        if (!s.equals("masked") && !s.equals("disabled")) {
            throw f.invalid("state", "must be \"masked\" or \"disabled\", got " + Names.shown(s));
        }
        return s;
    }

    static boolean systemdRunning() {
        // sd_booted(): systemd creates this directory when it runs as PID 1
        return Files.isDirectory(Path.of("/run/systemd/system"));
    }

    @Override
    Rendered render(List<DesiredEntry> desired, ApplyContext ctx) {
        TreeMap<String, Target> files = new TreeMap<>();
        for (DesiredEntry e : desired) {
            if (state(e.name(), e.value()).equals("masked")) {
                files.put(UNITS + "/" + e.name(), new LinkTo(DEV_NULL));
            }
        }
        return new Rendered(files, List.of());
    }

    @Override
    List<String> candidates(List<DesiredEntry> desired, ApplyContext ctx) {
        List<String> out = new ArrayList<>();
        for (DesiredEntry e : desired) {
            if (state(e.name(), e.value()).equals("disabled")) {
                out.addAll(enablementLinks(ctx, e.name()));
            }
        }
        out.add(LEGACY_LIST);
        return out;
    }

    @Override
    boolean mayReplace(String path, FileState current, ApplyContext ctx) {
        // enablement links are systemctl's, removed as `systemctl disable` would; a mask path is only ever
        // cscs's if the manifest says so, and the legacy list goes once it has been read
        return path.equals(LEGACY_LIST) ? Managed.hasHeader(current)
                : !isMaskPath(path) && current instanceof FileState.Symlink;
    }

    @Override
    boolean adoptable(String path, FileState current, Target target, ApplyContext ctx) {
        return isMaskPath(path) && legacyList(ctx).contains(unitOf(path));
    }

    private static boolean isMaskPath(String path) {
        return path.startsWith(UNITS + "/") && path.indexOf('/', UNITS.length() + 1) < 0;
    }

    private static String unitOf(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** Units the list of earlier versions names as masks cscs created; empty without the list. */
    private static Set<String> legacyList(ApplyContext ctx) {
        Set<String> out = new TreeSet<>();
        FileState s = FileState.read(ctx.path(LEGACY_LIST));
        if (Managed.hasHeader(s)) {
            ((FileState.Regular) s).text().lines().filter(l -> !l.startsWith("#"))
                    .filter(l -> Names.isKeyName(l) && UNIT.matcher(l).matches()).forEach(out::add);
        }
        return out;
    }

    /** {@code etc/systemd/system/*.wants/<unit>} (and .requires, .upholds) symlinks that enable {@code unit}. */
    private static List<String> enablementLinks(ApplyContext ctx, String unit) {
        List<String> out = new ArrayList<>();
        Path units = ctx.directory(UNITS);
        if (!Files.isDirectory(units, LinkOption.NOFOLLOW_LINKS)) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(units)) {
            for (Path d : dirs) {
                String n = d.getFileName().toString();
                if (ENABLEMENT_DIRS.stream().anyMatch(n::endsWith) && Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)
                        && Files.isSymbolicLink(d.resolve(unit))) {
                    out.add(UNITS + "/" + n + "/" + unit);
                }
            }
        } catch (IOException e) {
            throw new CscsException(ErrorCode.IO, "cannot list " + units + ": " + e, e);
        }
        out.sort(null);
        return out;
    }

    @Override
    List<LiveAction> planLive(List<DesiredEntry> desired, List<FileOp> files, List<String> notes, ApplyContext ctx) {
        if (!systemd.getAsBoolean()) {
            notes.add("service: systemd is not PID 1 here; units are masked or disabled on disk only");
            return List.of();
        }
        List<LiveAction> out = new ArrayList<>();
        if (!files.isEmpty()) {
            out.add(new LiveAction.SystemdReload());
        }
        for (DesiredEntry e : desired) {
            Result r = ctx.runner().run(Command.live(ctx.commandTimeout(), "systemctl", "is-active", e.name()));
            String state = r.stdout().strip();
            if (state.equals("active") || state.equals("activating") || state.equals("reloading")) {
                out.add(new LiveAction.UnitStop(e.name()));
            }
        }
        return out;
    }

    @Override
    void perform(LiveAction action, ApplyContext ctx, List<LiveAction> undo, List<String> notes) {
        if (action instanceof LiveAction.SystemdReload) {
            systemctl(ctx, "daemon-reload");
            undo.add(action);
        } else if (action instanceof LiveAction.UnitStop stop) {
            systemctl(ctx, "stop", stop.unit());
            undo.add(new LiveAction.UnitStart(stop.unit()));
        } else if (action instanceof LiveAction.UnitStart start) {
            // on undo the restored files must be loaded before the unit can start
            systemctl(ctx, "daemon-reload");
            systemctl(ctx, "start", start.unit());
        } else {
            super.perform(action, ctx, undo, notes);
        }
    }

    private static void systemctl(ApplyContext ctx, String... args) {
        List<String> argv = new ArrayList<>(List.of("systemctl"));
        argv.addAll(List.of(args));
        Command c = new Command(argv, null, ctx.commandTimeout(), true);
        ctx.runner().run(c).orThrow(ErrorCode.IO, "service", c);
    }

    @Override
    void verifyState(Applied applied, ApplyContext ctx) {
        boolean live = ctx.live() && systemd.getAsBoolean();
        for (FileChange c : applied.files()) {
            boolean mask = isMaskPath(c.path()) && c.after().equals(new FileState.Symlink(DEV_NULL));
            boolean disabled = !isMaskPath(c.path()) && !c.path().equals(LEGACY_LIST) && c.after() instanceof FileState.Absent;
            if (!mask && !disabled) {
                continue;
            }
            String unit = unitOf(c.path());
            Command cmd = live ? Command.live(ctx.commandTimeout(), "systemctl", "is-enabled", unit)
                    : Command.of(ctx.commandTimeout(), "systemctl", "--root=" + ctx.root(), "is-enabled", unit);
            String state = ctx.runner().run(cmd).stdout().strip();
            if (mask ? !state.startsWith("masked") : state.startsWith("enabled")) {
                throw new CscsException(ErrorCode.IO, "service: `" + cmd.display() + "` says " + (state.isEmpty() ? "nothing" : state)
                        + " after apply, expected " + (mask ? "masked" : "not enabled")
                        + (mask ? "" : "; a unit enabled outside etc/systemd/system can only be masked"));
            }
        }
    }
}
