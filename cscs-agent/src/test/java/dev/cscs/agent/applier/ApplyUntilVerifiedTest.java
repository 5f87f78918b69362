package dev.cscs.agent.applier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.agent.applier.SshdApplierTest.Crash;
import dev.cscs.agent.os.FileState;
import dev.cscs.core.error.CscsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal spans apply, verify and rollback: a crash anywhere before verify passed (or rollback ended) is rolled back. */
class ApplyUntilVerifiedTest {
    /** What sshd -T prints when a drop-in read before cscs's sets PasswordAuthentication yes. */
    static final String OVERRIDDEN = "port 22\npasswordauthentication yes\npermitrootlogin no\n";
    @TempDir
    Path root;

    @Test
    void aCrashBetweenApplyAndVerifyIsRolledBackSoTheNextRoundRunsVerifysCheck() {
        SshdApplier sshd = new SshdApplier();
        ApplyContext dying = Support.offline(root, new FakeRunner().on("sshd -T", c -> {
            throw new Crash();
        }));
        Applied applied = sshd.apply(sshd.plan(SshdApplierTest.desired(), dying), dying);
        assertThatThrownBy(() -> sshd.verify(applied, dying)).isInstanceOf(Crash.class);
        assertThat(ApplyJournal.file(dying, "sshd")).as("verify never passed: the apply is unfinished").exists();

        ApplyContext overridden = Support.offline(root, new FakeRunner().on("sshd -T", FakeRunner.ok(OVERRIDDEN)));
        SshdApplier fresh = new SshdApplier();
        assertThat(fresh.recover(overridden)).get().asString().contains("sshd: an apply was interrupted");
        assertThat(root.resolve(SshdApplier.FILE)).doesNotExist();
        assertThat(Ownership.load(overridden).get(SshdApplier.FILE)).isNull();
        // without the journal this plan is empty, and the override is never reported
        Plan again = fresh.plan(SshdApplierTest.desired(), overridden);
        assertThat(again.files()).extracting(FileOp::describe).containsExactly("write " + SshdApplier.FILE);
        Applied reapplied = fresh.apply(again, overridden);
        assertThatThrownBy(() -> fresh.verify(reapplied, overridden)).isInstanceOf(CscsException.class)
                .hasMessageContaining("the effective PasswordAuthentication is yes, not no");
        fresh.rollback(reapplied, overridden);
        assertThat(ApplyJournal.file(overridden, "sshd")).doesNotExist();
        assertThat(fresh.recover(overridden)).isEmpty();
    }

    @Test
    void aPassingVerifyFinishesTheApply() {
        SshdApplier sshd = new SshdApplier();
        ApplyContext ctx = Support.offline(root);
        Support.converge(sshd, SshdApplierTest.desired(), ctx);
        assertThat(ApplyJournal.file(ctx, "sshd")).doesNotExist();
        assertThat(sshd.recover(ctx)).isEmpty();
        assertThat(root.resolve(SshdApplier.FILE)).exists();
    }

    @Test
    void aCrashInRollbackAfterTheFilesAreRestoredRecoversTheirOwnershipSoNoDriftIsFound() throws Exception {
        SshdApplier sshd = new SshdApplier(() -> false);
        Support.converge(sshd, SshdApplierTest.desired().subList(0, 1), Support.offline(root));
        Path file = root.resolve(SshdApplier.FILE);
        FileState first = FileState.read(file);
        Files.createDirectories(root.resolve("run"));
        Files.writeString(root.resolve("run/sshd.pid"), "4242\n");
        AtomicInteger reloads = new AtomicInteger();
        // the apply's reload passes, verify finds an override, the rollback's reload dies
        FakeRunner runner = new FakeRunner().on("sshd -T", FakeRunner.ok(OVERRIDDEN)).on("kill -HUP", c -> {
            if (reloads.incrementAndGet() == 2) {
                throw new Crash();
            }
            return FakeRunner.ok("");
        });
        ApplyContext live = ApplyContext.builder(root).runner(runner).clock(Support.CLOCK).live(true).build();
        Applied applied = sshd.apply(sshd.plan(SshdApplierTest.desired(), live), live);
        assertThatThrownBy(() -> sshd.verify(applied, live)).isInstanceOf(CscsException.class);
        assertThatThrownBy(() -> sshd.rollback(applied, live)).isInstanceOf(Crash.class);
        assertThat(FileState.read(file)).as("the files were restored before the crash").isEqualTo(first);

        ApplyContext ctx = Support.offline(root);
        SshdApplier fresh = new SshdApplier(() -> false);
        assertThat(fresh.recover(ctx)).isPresent();
        assertThat(FileState.read(file)).isEqualTo(first);
        assertThat(Ownership.load(ctx).get(SshdApplier.FILE).describes(first)).as("the manifest names the restored file").isTrue();
        Applied next = Support.converge(fresh, SshdApplierTest.desired(), ctx);
        assertThat(next.drift()).as("cscs's own restored file is not quarantined as drift").isEmpty();
    }

    @Test
    void anApplyOverAnUnfinishedOneIsRefusedUntilItIsRecovered() {
        YumApplier yum = new YumApplier();
        ApplyContext ctx = Support.offline(root);
        Support.converge(yum, List.of(repo("https://a.example/")), ctx);
        Path file = root.resolve("etc/yum.repos.d/cscs-a.repo");
        FileState first = FileState.read(file);
        yum.apply(yum.plan(List.of(repo("https://b.example/")), ctx), ctx);
        FileState unverified = FileState.read(file);
        Plan next = yum.plan(List.of(repo("https://c.example/")), ctx);
        assertThatThrownBy(() -> yum.apply(next, ctx)).isInstanceOf(RolledBackException.class)
                .hasMessageContaining("an earlier apply is unfinished");
        assertThat(FileState.read(file)).as("nothing changed by the refused apply").isEqualTo(unverified);
        assertThat(yum.recover(ctx)).isPresent();
        assertThat(FileState.read(file)).as("the unverified apply is rolled back").isEqualTo(first);
        assertThat(Ownership.load(ctx).get("etc/yum.repos.d/cscs-a.repo").describes(first)).isTrue();
    }

    static DesiredEntry repo(String url) {
        return Support.entry("global", "a", "{\"baseurl\": \"" + url + "\"}");
    }
}
