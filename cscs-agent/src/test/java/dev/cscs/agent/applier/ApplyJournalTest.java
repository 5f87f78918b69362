package dev.cscs.agent.applier;

import static dev.cscs.agent.applier.Support.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.agent.os.FileState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An apply interrupted by a crash is rolled back before the applier plans again, so no check is skipped for good. */
class ApplyJournalTest {
    static final String MASK = "etc/systemd/system/telnet.socket";
    static final int HALTED = 77;
    @TempDir
    Path root;

    static List<DesiredEntry> masked() {
        return List.of(entry("global", "telnet.socket", "{\"state\": \"masked\"}"));
    }

    /** A live context whose systemctl daemon-reload kills the JVM: the mask is on disk, its record only claimed. */
    static ApplyContext crashing(Path root) {
        FakeRunner r = new FakeRunner().on("systemctl daemon-reload", c -> {
            Runtime.getRuntime().halt(HALTED);
            return FakeRunner.ok("");
        });
        return ApplyContext.builder(root).runner(r).clock(Support.CLOCK).live(true).build();
    }

    /** The child JVM of {@link #aServiceMaskWrittenJustBeforeACrashIsRolledBackAndDeletingTheKeyLeavesNoMask}. */
    public static void main(String[] args) {
        ServiceApplier service = new ServiceApplier(() -> true);
        ApplyContext ctx = crashing(Path.of(args[0]));
        service.apply(service.plan(masked(), ctx), ctx);
        System.exit(0); // not reached: daemon-reload halts
    }

    @Test
    void aServiceMaskWrittenJustBeforeACrashIsRolledBackAndDeletingTheKeyLeavesNoMask() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ApplyJournalTest.class.getName(), root.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(root.resolve("child.log").toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        assertThat(p.exitValue()).as("halted in the middle of apply: %s", Support.read(root.resolve("child.log"))).isEqualTo(HALTED);
        ApplyContext ctx = Support.offline(root, new FakeRunner().on(c -> c.display().contains("is-enabled"), c -> FakeRunner.ok("masked\n")));
        // the crash left the mask on disk, named by the intent only (the manifest is recorded after the writes)
        assertThat(FileState.read(root.resolve(MASK))).isEqualTo(new FileState.Symlink("/dev/null"));
        assertThat(Ownership.load(ctx).get(MASK)).isNull();
        assertThat(ApplyJournal.pending(ctx, "service")).get().satisfies(i -> assertThat(i.backups()).containsKey(MASK));

        ServiceApplier fresh = new ServiceApplier(() -> false);
        assertThat(fresh.recover(ctx)).get().asString().contains("service: an apply was interrupted (link " + MASK + ")");
        assertThat(root.resolve(MASK)).doesNotExist();
        assertThat(Ownership.load(ctx).get(MASK)).isNull();
        assertThat(ApplyJournal.file(ctx, "service")).doesNotExist();
        assertThat(fresh.recover(ctx)).isEmpty();

        // the next round applies again, with its checks; deleting the key then unmasks
        Support.converge(fresh, masked(), ctx);
        Support.converge(fresh, List.of(), ctx);
        assertThat(root.resolve(MASK)).doesNotExist();
    }

    @Test
    void aCrashBetweenWritingAnSshdDropInAndItsCheckRunsTheCheckAgainAfterRecovery() throws Exception {
        SshdApplier sshd = new SshdApplier();
        List<DesiredEntry> desired = List.of(entry("global", "hardening", SshdApplierTest.HARDENING));
        // the staged check (before the write) passes; the agent dies in the check of the live files after it
        AtomicInteger checks = new AtomicInteger();
        ApplyContext dying = Support.offline(root, new FakeRunner().on("sshd -t", c -> {
            if (checks.incrementAndGet() == 1) {
                return FakeRunner.ok("");
            }
            throw new StackOverflowError("simulated crash: the agent died after writing, before sshd -t answered");
        }));
        assertThatThrownBy(() -> sshd.apply(sshd.plan(desired, dying), dying)).isInstanceOf(StackOverflowError.class);
        assertThat(root.resolve(SshdApplier.FILE)).exists();
        // without the journal, the drop-in sshd never checked would now be "in sync" for good
        ApplyContext refusing = Support.offline(root, new FakeRunner()
                .on("sshd -t", FakeRunner.fail(255, "/etc/ssh/sshd_config line 3: Bad configuration option")));
        SshdApplier fresh = new SshdApplier();
        assertThat(fresh.recover(refusing)).isPresent();
        assertThat(root.resolve(SshdApplier.FILE)).doesNotExist();
        Plan again = fresh.plan(desired, refusing);
        assertThat(again.files()).extracting(FileOp::describe).containsExactly("write " + SshdApplier.FILE);
        assertThatThrownBy(() -> fresh.apply(again, refusing)).isInstanceOf(RolledBackException.class)
                .hasMessageContaining("Bad configuration option");
        assertThat(root.resolve(SshdApplier.FILE)).doesNotExist();
        assertThat(Ownership.load(refusing).get(SshdApplier.FILE)).isNull();
    }

    @Test
    void recoveryRestoresTheBackupsByteIdenticallyIncludingNonTextAndModes() throws Exception {
        YumApplier yum = new YumApplier();
        ApplyContext ctx = Support.offline(root);
        Support.converge(yum, List.of(entry("global", "a", "{\"baseurl\": \"https://a.example/\"}")), ctx);
        Path a = root.resolve("etc/yum.repos.d/cscs-a.repo");
        byte[] binary = {0, (byte) 0xff, (byte) 0xfe, '\n', 0x7f};
        Files.write(a, binary);
        Files.setPosixFilePermissions(a, PosixFilePermissions.fromString("rw-------"));
        FileState edited = FileState.read(a);
        Plan plan = yum.plan(List.of(entry("global", "a", "{\"baseurl\": \"https://b.example/\"}")), ctx);
        ApplyContext dying = ApplyContext.builder(root).runner(new FakeRunner()).clock(Support.CLOCK)
                .stateDir(ctx.stateDir()).build();
        // the intent is written, the claims recorded and the file rewritten; then the process dies
        new DyingYum().applyAndDie(plan, dying);
        assertThat(FileState.read(a)).isNotEqualTo(edited);
        yum.recover(ctx);
        assertThat(FileState.read(a)).isEqualTo(edited);
    }

    /** A yum applier that dies (an Error, as a crash would) after its writes, before the manifest records them. */
    static final class DyingYum {
        void applyAndDie(Plan plan, ApplyContext ctx) {
            FileApplier dying = new FileApplier() {
                @Override
                public String name() {
                    return "yum";
                }

                @Override
                public void validate(String name, JsonNode value) {
                }

                @Override
                Rendered render(List<DesiredEntry> desired, ApplyContext c) {
                    throw new UnsupportedOperationException();
                }

                @Override
                List<String> candidates(List<DesiredEntry> desired, ApplyContext c) {
                    return List.of();
                }

                @Override
                void checkAfterWrite(Plan p, ApplyContext c) {
                    throw new OutOfMemoryError("simulated crash after the write");
                }
            };
            assertThatThrownBy(() -> dying.apply(plan, ctx)).isInstanceOf(OutOfMemoryError.class);
        }
    }
}
