package dev.cscs.agent.applier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cscs.agent.os.AtomicFiles;
import dev.cscs.agent.os.CommandRunner.Command;
import dev.cscs.agent.os.CommandRunner.Result;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * {@code firewall/<name>} → all entries merged into {@code etc/nftables.d/cscs.nft}, which
 * defines table {@code inet cscs} and nothing else (see {@link NftRender} for the merge rules).
 *
 * <p>Apply: {@code nft -c -f} checks a staged copy before the file is renamed into place; live,
 * the previous table (as {@code nft list} prints it) is saved and a {@link FirewallWatchdog}
 * outside the daemon is armed to restore it, then {@code nft -f} replaces the table in one
 * kernel transaction, and commit-confirm asks {@link ApplyContext#reachability()} whether the
 * node still reaches the cluster. If it does, the watchdog is disarmed; if not, the previous
 * table and file come back and {@link RolledBackException} says why; if the daemon dies in
 * between, the watchdog restores the table by itself, and a record the next daemon finds
 * (its watchdog killed too) is rolled back before anything else is loaded.
 */
final class FirewallApplier extends FileApplier {
    static final String FILE = "etc/nftables.d/cscs.nft";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Whether systemd runs as PID 1 here (the watchdog is then a transient timer); injected by tests. */
    private final BooleanSupplier systemd;

    FirewallApplier() {
        this(ServiceApplier::systemdRunning);
    }

    FirewallApplier(BooleanSupplier systemd) {
        this.systemd = systemd;
    }

    @Override
    public String name() {
        return "firewall";
    }

    @Override
    public void validate(String name, JsonNode value) {
        FirewallModel.parse(name(), name, value);
    }

    NftRender.Ruleset ruleset(List<DesiredEntry> desired, ApplyContext ctx) {
        return NftRender.merge(desired, ctx.protectedPorts(), d -> FirewallModel.parse(name(), d.name(), d.value()));
    }

    @Override
    Rendered render(List<DesiredEntry> desired, ApplyContext ctx) {
        TreeMap<String, Target> files = new TreeMap<>();
        if (desired.isEmpty()) {
            return new Rendered(files, List.of());
        }
        NftRender.Ruleset rs = ruleset(desired, ctx);
        files.put(FILE, new Content(NftRender.render(rs)));
        return new Rendered(files, rs.notes());
    }

    @Override
    List<String> candidates(List<DesiredEntry> desired, ApplyContext ctx) {
        return List.of(FILE);
    }

    @Override
    List<LiveAction> planLive(List<DesiredEntry> desired, List<FileOp> files, List<String> notes, ApplyContext ctx) {
        List<String> unconfirmed = FirewallWatchdog.left(ctx);
        if (!unconfirmed.isEmpty()) {
            // a daemon died during commit-confirm: back to the table before it, then load (and confirm) afresh
            notes.add("firewall: an earlier apply died before commit-confirm; rolling back its unconfirmed ruleset first");
            List<LiveAction> out = new ArrayList<>();
            unconfirmed.forEach(t -> out.add(new LiveAction.NftRollBackUnconfirmed(t)));
            out.add(desired.isEmpty() ? new LiveAction.NftDeleteTable()
                    : new LiveAction.NftLoad(FILE, NftRender.shape(ruleset(desired, ctx))));
            return out;
        }
        String live = liveShape(ctx);
        if (desired.isEmpty()) {
            return live.isEmpty() ? List.of() : List.of(new LiveAction.NftDeleteTable());
        }
        String want = NftRender.shape(ruleset(desired, ctx));
        boolean fileChanges = files.stream().anyMatch(f -> f.path().equals(FILE));
        return fileChanges || !want.equals(live) ? List.of(new LiveAction.NftLoad(FILE, want)) : List.of();
    }

    @Override
    void checkBeforeWrite(Plan plan, ApplyContext ctx) {
        for (FileOp op : plan.files()) {
            if (op instanceof FileOp.Write w && w.path().equals(FILE)) {
                // the staged copy is checked, so a ruleset nft refuses never appears under its real name
                Path staged = AtomicFiles.stage(ctx.path(FILE), w.content().getBytes(StandardCharsets.UTF_8), AtomicFiles.DEFAULT_MODE);
                try {
                    Command c = Command.live(ctx.commandTimeout(), "nft", "-c", "-f", staged.toString());
                    Result r = ctx.runner().run(c);
                    if (!r.ok()) {
                        throw new CscsException(ErrorCode.INVALID_VALUE, "firewall: nft -c refused the ruleset, nothing was changed: "
                                + r.describeFailure());
                    }
                } finally {
                    try {
                        Files.deleteIfExists(staged);
                    } catch (IOException ignored) {
                        // a leftover .cscs-tmp file is never read by nft's include globs
                    }
                }
            }
        }
    }

    @Override
    void perform(LiveAction action, ApplyContext ctx, List<LiveAction> undo, List<String> notes) {
        if (action instanceof LiveAction.NftLoad load) {
            armed(ctx, undo);
            nft(ctx, "load " + load.path(), new byte[0], "nft", "-f", ctx.path(load.path()).toString());
            checkShape(load.shape(), ctx);
        } else if (action instanceof LiveAction.NftDeleteTable) {
            armed(ctx, undo);
            nft(ctx, "delete table inet cscs", NftRender.REPLACE_PREAMBLE.getBytes(StandardCharsets.UTF_8), "nft", "-f", "-");
        } else if (action instanceof LiveAction.NftRestore restore) {
            // restoring by ourselves: the watchdog must not restore this table later over a newer one
            FirewallWatchdog.disarm(ctx);
            nft(ctx, "restore the previous table inet cscs",
                    (NftRender.REPLACE_PREAMBLE + restore.listing()).getBytes(StandardCharsets.UTF_8), "nft", "-f", "-");
        } else if (action instanceof LiveAction.NftRollBackUnconfirmed left) {
            FirewallWatchdog.rollBack(ctx, left.token());
        } else {
            super.perform(action, ctx, undo, notes);
        }
    }

    /** Saves the live table, arms the watchdog with it, and records its restore as the undo, all before the change. */
    private void armed(ApplyContext ctx, List<LiveAction> undo) {
        String previous = listing(ctx);
        FirewallWatchdog.arm(ctx, previous, window(ctx), systemd);
        undo.add(new LiveAction.NftRestore(previous));
    }

    /** How long the watchdog waits: the load, the shape check and the reachability question must fit. */
    static Duration window(ApplyContext ctx) {
        return ctx.confirmTimeout().plus(ctx.commandTimeout());
    }

    @Override
    void confirm(Plan plan, List<LiveAction> done, ApplyContext ctx) {
        if (done.stream().noneMatch(a -> a instanceof LiveAction.NftLoad || a instanceof LiveAction.NftDeleteTable)) {
            return;
        }
        boolean reachable;
        try {
            reachable = ctx.reachability().reachable(ctx.confirmTimeout());
        } catch (RuntimeException e) {
            throw unconfirmed("the reachability check failed: " + e.getMessage());
        }
        if (!reachable) {
            throw unconfirmed("the node could not reach the cluster within " + ctx.confirmTimeout().toMillis() + " ms");
        }
        if (!FirewallWatchdog.disarm(ctx)) {
            throw unconfirmed("the commit-confirm watchdog restored the previous ruleset after " + window(ctx).toMillis()
                    + " ms, before the confirmation");
        }
    }

    private static CscsException unconfirmed(String why) {
        return new CscsException(ErrorCode.UNAVAILABLE, "commit-confirm failed after loading the new ruleset: " + why);
    }

    @Override
    void verifyState(Applied applied, ApplyContext ctx) {
        if (!ctx.live()) {
            return;
        }
        for (LiveAction a : applied.live()) {
            if (a instanceof LiveAction.NftLoad load) {
                checkShape(load.shape(), ctx);
            } else if (a instanceof LiveAction.NftDeleteTable && !liveShape(ctx).isEmpty()) {
                throw new CscsException(ErrorCode.IO, "firewall: table inet cscs is still loaded after it was deleted");
            }
        }
    }

    private void checkShape(String want, ApplyContext ctx) {
        String live = liveShape(ctx);
        if (!live.equals(want)) {
            throw new CscsException(ErrorCode.IO, "firewall: the kernel's table inet cscs is [" + live + "], expected [" + want + "]");
        }
    }

    private static void nft(ApplyContext ctx, String what, byte[] stdin, String... argv) {
        Command c = Command.live(ctx.commandTimeout(), argv).withStdin(stdin);
        Result r = ctx.runner().run(c);
        if (!r.ok()) {
            throw new CscsException(ErrorCode.IO, "firewall: cannot " + what + ": `" + c.display() + "` " + r.describeFailure());
        }
    }

    /** {@code nft list table inet cscs}, or empty if the table does not exist. */
    static String listing(ApplyContext ctx) {
        return list(ctx, "nft", "list", "table", "inet", "cscs");
    }

    /** The live table's {@link NftRender#shape shape}, or empty if the table does not exist. */
    static String liveShape(ApplyContext ctx) {
        String json = list(ctx, "nft", "-j", "list", "table", "inet", "cscs");
        if (json.isEmpty()) {
            return "";
        }
        try {
            return NftRender.shapeOf(JSON.readTree(json));
        } catch (IOException e) {
            throw new CscsException(ErrorCode.IO, "firewall: cannot parse `nft -j list table inet cscs`: " + e.getMessage(), e);
        }
    }

    private static String list(ApplyContext ctx, String... argv) {
        Command c = Command.live(ctx.commandTimeout(), argv);
        Result r = ctx.runner().run(c);
        if (r.ok()) {
            return r.stdout();
        }
        if (r.stderr().contains("No such file or directory")) {
            return "";
        }
        throw new CscsException(ErrorCode.IO, "firewall: `" + c.display() + "` " + r.describeFailure());
    }
}
