package dev.cscs.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.model.Changeset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AuditCheck on hand-written audit logs (AuditLog's line format) against a fixed chain of d1. */
class AuditCheckTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    @TempDir
    Path dir;
    private final ChainFixture f = new ChainFixture();
    private final List<String> lines = new ArrayList<>();
    private Changeset r1v1;
    private Changeset r1v2;
    private ChainCheck chain;

    @BeforeEach
    void chain() {
        r1v1 = f.commit("yum/r1", "w0-0");
        r1v2 = f.commit("yum/r1", "w0-1");
        chain = f.check(new History());
    }

    private ObjectNode line(int second, String event) {
        return Api.JSON.createObjectNode().put("time", T0.plusSeconds(second).toString()).put("node", "a1").put("event", event)
                .put("applier", "yum");
    }

    private void change(int second, String result, Changeset source, String digest) {
        ObjectNode l = line(second, "change").put("result", result);
        ArrayNode keys = l.putArray("keys");
        keys.addObject().put("key", source.body().ops().get(0).key()).put("domain", "d1").put("seq", source.body().seq())
                .put("digest", digest);
        l.putArray("deleted");
        l.putArray("files");
        lines.add(l.put("message", "").toString());
    }

    private void change(int second, String result, Changeset source) {
        change(second, result, source, ChainFixture.digest(source));
    }

    private List<String> issues(Instant... tampers) throws IOException {
        Path audit = dir.resolve("audit.jsonl");
        Files.write(audit, lines);
        return new AuditCheck("a1", audit, List.of(tampers), chain).issues;
    }

    @Test
    void appliesInChainOrderAreClean() throws IOException {
        change(1, "applied", r1v1);
        change(2, "applied", r1v2);
        assertThat(issues()).isEmpty();
    }

    @Test
    void aSeqGoingBackwardsIsAnIssue() throws IOException {
        change(1, "applied", r1v2);
        change(2, "applied", r1v1);
        assertThat(issues()).singleElement().asString().contains("yum/r1 of d1 went back from seq 2 to 1");
    }

    @Test
    void theSameSourcesReAppliedAsAppliedIsADoubleApply() throws IOException {
        change(1, "applied", r1v1);
        change(2, "applied", r1v1);
        assertThat(issues()).singleElement().asString().contains("a double apply");
    }

    @Test
    void theSameSourcesReAppliedAfterARecoveryAreNoDoubleApply() throws IOException {
        change(1, "applied", r1v1);
        lines.add(line(2, "recovered").put("message", "rolled back").toString());
        change(3, "applied", r1v1);
        assertThat(issues()).isEmpty();
    }

    @Test
    void aDigestNotInTheChainIsAnIssue() throws IOException {
        change(1, "applied", r1v1, ChainFixture.digest(f.next("yum/r1", "forged")));
        assertThat(issues()).singleElement().asString().contains("not that key's changeset in the verified chain");
    }

    @Test
    void driftWithoutATamperIsAnIssue() throws IOException {
        change(1, "applied", r1v1);
        lines.add(line(60, "drift").put("path", "/etc/yum.repos.d/cscs-w0-0.repo").put("found", "sha256:00").toString());
        change(60, "drift-corrected", r1v1);
        assertThat(issues()).hasSize(2).allMatch(i -> i.contains("no tamper"));
        assertThat(issues(T0.plusSeconds(59))).isEmpty();
    }

    @Test
    void aMissingAuditLogIsAnIssue() throws IOException {
        assertThat(new AuditCheck("a1", dir.resolve("absent.jsonl"), List.of(), chain).issues).singleElement().asString()
                .contains("no audit log");
    }

    @Test
    void aRefusalIsAnIssue() throws IOException {
        change(1, "applied", r1v1);
        lines.add(line(2, "refused").put("revision", 7).put("domain", "d1").put("seq", 2).put("code", "bad-signature")
                .put("message", "signature does not verify").toString());
        assertThat(issues()).singleElement().asString().isEqualTo(
                "a1 line 2: refused d1 seq 2 at revision 7 (bad-signature: signature does not verify)");
    }
}
