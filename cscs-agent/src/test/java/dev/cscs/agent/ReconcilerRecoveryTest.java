package dev.cscs.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.agent.applier.Applied;
import dev.cscs.agent.applier.Applier;
import dev.cscs.agent.applier.ApplyContext;
import dev.cscs.agent.applier.DesiredEntry;
import dev.cscs.agent.applier.Plan;
import dev.cscs.agent.status.StatusReport.Problem;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A recovery that fails at start stays reported, also by rounds that skip the appliers, until one succeeds. */
class ReconcilerRecoveryTest {
    static final String DAMAGED = "yum: the intent record x of an interrupted apply is damaged ($.backups: must be an object, got array)";
    @TempDir
    Path tmp;
    boolean damaged = true;

    /** Only recovery matters here; a round that reached plan would be a bug of the test. */
    final Applier yum = new Applier() {
        @Override
        public String name() {
            return "yum";
        }

        @Override
        public void validate(String name, JsonNode value) {
        }

        @Override
        public Plan plan(List<DesiredEntry> desired, ApplyContext ctx) {
            throw new AssertionError("not planned in this test");
        }

        @Override
        public Applied apply(Plan plan, ApplyContext ctx) {
            throw new AssertionError();
        }

        @Override
        public void verify(Applied applied, ApplyContext ctx) {
        }

        @Override
        public void rollback(Applied applied, ApplyContext ctx) {
        }

        @Override
        public Optional<String> recover(ApplyContext ctx) {
            if (damaged) {
                throw new CscsException(ErrorCode.IO, DAMAGED);
            }
            return Optional.empty();
        }
    };

    @Test
    void aFailedRecoveryAtStartIsReportedByEverySkippingRoundUntilARecoverySucceeds() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-29T16:00:00Z"), ZoneOffset.UTC);
        ApplyContext ctx = ApplyContext.builder(tmp.resolve("root")).clock(clock).stateDir(tmp.resolve("state")).build();
        Reconciler r = new Reconciler(List.of(yum), ctx, false, new AuditLog(tmp.resolve("audit.log"), clock, "n1"));
        r.recoverAll();
        for (int round = 0; round < 2; round++) {
            r.skipAll("no verified configuration yet");
            assertThat(r.drainProblems()).extracting(Problem::message)
                    .containsExactly("yum: recovering an interrupted apply failed: " + DAMAGED);
        }
        damaged = false;
        r.recoverAll();
        assertThat(r.drainProblems()).isEmpty();
    }
}
