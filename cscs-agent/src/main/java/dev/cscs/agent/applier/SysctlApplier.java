package dev.cscs.agent.applier;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.agent.os.CommandRunner.Command;
import dev.cscs.agent.os.CommandRunner.Result;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code sysctl/<name>} → one line of {@code etc/sysctl.d/90-cscs.conf} (all keys in one file,
 * sorted by name, so the file does not change when a key moves between domains), and, when
 * live, the value written through {@code sysctl -w} and read back.
 *
 * <p>Values are a narrow character set: no {@code =}, {@code #} or line breaks (file syntax),
 * and no shell metacharacters; in particular {@code kernel.core_pattern} cannot be set to a
 * {@code |program} pipe through cscs. A key the running kernel lacks (a module not loaded, or
 * a key outside the network namespace) is written to the file for the next boot and noted.
 * Deleting a key stops enforcing it; the live value stays, as the kernel keeps no default.
 */
final class SysctlApplier extends FileApplier {
    static final String FILE = "etc/sysctl.d/90-cscs.conf";
    private static final Pattern NAME = Pattern.compile("(abi|crypto|debug|dev|fs|kernel|net|sunrpc|user|vm)(\\.[A-Za-z0-9_-]+){1,10}");
    private static final int MAX_VALUE = 256;

    @Override
    public String name() {
        return "sysctl";
    }

    /** Sysctls whose value is a program the kernel executes as root (core_pattern pipes are refused by the value check). */
    static final Set<String> EXECUTABLE_PATHS = Set.of("kernel.modprobe", "kernel.poweroff_cmd",
            "kernel.hotplug", "kernel.usermodehelper.bset", "kernel.usermodehelper.inheritable", "fs.binfmt_misc.register");

    @Override
    public void validate(String name, JsonNode value) {
        parse(name, value);
    }

    String parse(String name, JsonNode value) {
        String key = Fields.checkName(name(), name);
        if (!NAME.matcher(name).matches()) {
            throw Fields.error(key, "is not a sysctl name: dot-separated words under abi, crypto, debug, dev, fs, kernel, "
                    + "net, sunrpc, user or vm, e.g. net.ipv4.ip_forward");
        }
        if (EXECUTABLE_PATHS.contains(name.replace('/', '.'))) {
            throw Fields.error(key, "names a program the kernel runs as root (" + name + "); cscs does not manage it, because "
                    + "a signed value would become code execution outside every sandbox");
        }
        Fields f = Fields.of(name(), name, value, Set.of("value"));
        JsonNode n = f.required("value");
        if (n.isNumber() || n.isBoolean()) {
            throw f.invalid("value", "must be a string, e.g. \"0\", got " + Fields.typeOf(n));
        }
        String v = f.string("value", n, MAX_VALUE);
        String bad = Text.firstOutside(v, "letters, digits, spaces and ._:/,+%@-",
                cp -> Text.isAsciiAlnum(cp) || " ._:/,+%@-".indexOf(cp) >= 0);
        if (bad != null) {
            throw f.invalid("value", bad);
        }
        return v;
    }

    @Override
    Rendered render(List<DesiredEntry> desired, ApplyContext ctx) {
        TreeMap<String, Target> files = new TreeMap<>();
        if (!desired.isEmpty()) {
            Set<String> domains = new LinkedHashSet<>();
            desired.forEach(e -> domains.add(e.domain()));
            StringBuilder b = new StringBuilder(Managed.HEADER).append('\n');
            b.append("# Keys sysctl/* from domains: ").append(String.join(", ", domains)).append('\n');
            desired.stream().sorted(Comparator.comparing(DesiredEntry::name))
                    .forEach(e -> b.append(e.name()).append(" = ").append(parse(e.name(), e.value())).append('\n'));
            files.put(FILE, new Content(b.toString()));
        }
        return new Rendered(files, List.of());
    }

    @Override
    List<String> candidates(List<DesiredEntry> desired, ApplyContext ctx) {
        return List.of(FILE);
    }

    @Override
    List<LiveAction> planLive(List<DesiredEntry> desired, List<FileOp> files, List<String> notes, ApplyContext ctx) {
        List<LiveAction> out = new ArrayList<>();
        desired.stream().sorted(Comparator.comparing(DesiredEntry::name)).forEach(e -> {
            String want = parse(e.name(), e.value());
            Optional<String> now = read(e.name(), ctx);
            if (now.isEmpty()) {
                notes.add("sysctl " + e.name() + " does not exist in the running kernel; written to " + FILE + " only");
            } else if (!normalize(now.get()).equals(normalize(want))) {
                out.add(new LiveAction.SysctlSet(e.name(), want));
            }
        });
        return out;
    }

    @Override
    void perform(LiveAction action, ApplyContext ctx, List<LiveAction> undo, List<String> notes) {
        if (!(action instanceof LiveAction.SysctlSet set)) {
            super.perform(action, ctx, undo, notes);
            return;
        }
        String previous = read(set.name(), ctx).orElseThrow(() -> new CscsException(ErrorCode.IO,
                "sysctl " + set.name() + " disappeared from the running kernel"));
        Command w = Command.live(ctx.commandTimeout(), "sysctl", "-q", "-w", set.name() + "=" + set.value());
        Result r = ctx.runner().run(w);
        if (!r.ok() && !r.timedOut()) {
            // a refused write leaves the key as it was: nothing to undo
            throw new CscsException(ErrorCode.INVALID_VALUE, "sysctl " + set.name() + " = " + set.value()
                    + ": the kernel refused it: `" + w.display() + "` " + r.describeFailure());
        }
        undo.add(new LiveAction.SysctlSet(set.name(), previous));
        if (r.timedOut()) {
            throw new CscsException(ErrorCode.IO, "sysctl " + set.name() + ": `" + w.display() + "` " + r.describeFailure());
        }
        checkLive(set, ctx);
    }

    @Override
    void verifyState(Applied applied, ApplyContext ctx) {
        if (!ctx.live()) {
            return;
        }
        for (LiveAction a : applied.live()) {
            if (a instanceof LiveAction.SysctlSet set) {
                checkLive(set, ctx);
            }
        }
    }

    private void checkLive(LiveAction.SysctlSet set, ApplyContext ctx) {
        String now = read(set.name(), ctx).orElse("(absent)");
        if (!normalize(now).equals(normalize(set.value()))) {
            throw new CscsException(ErrorCode.IO, "sysctl " + set.name() + " reads back \"" + now.strip()
                    + "\" after writing \"" + set.value() + "\"");
        }
    }

    /** The live value, or empty when the kernel has no such key. */
    static Optional<String> read(String name, ApplyContext ctx) {
        Command c = Command.live(ctx.commandTimeout(), "sysctl", "-n", name);
        Result r = ctx.runner().run(c);
        if (r.ok()) {
            return Optional.of(r.stdout().strip());
        }
        if (r.stderr().contains("cannot stat") || r.stderr().contains("No such file")) {
            return Optional.empty();
        }
        throw new CscsException(ErrorCode.IO, "cannot read sysctl " + name + ": `" + c.display() + "` " + r.describeFailure());
    }

    /** The kernel prints multi-value keys with tabs ({@code 32768\t60999}); compare token by token. */
    static String normalize(String v) {
        return String.join(" ", v.strip().split("\\s+"));
    }
}
