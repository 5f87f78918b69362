package dev.cscs.agent.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cscs.agent.status.StatusReport.ApplierStatus;
import dev.cscs.agent.status.StatusReport.DomainHead;
import dev.cscs.agent.status.StatusReport.KeyOverride;
import dev.cscs.agent.status.StatusReport.Problem;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Digest;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The status JSON is a contract: the documented example parses, the codec round-trips, and the reader is strict. */
class StatusReportJsonTest {
    static final Digest D = new Digest("ab".repeat(32));

    static StatusReport sample() {
        return new StatusReport("n1", Instant.parse("2026-11-29T16:00:03.050Z"), 42,
                List.of(new DomainHead("_trust", 1, D), new DomainHead("global", 3, D)),
                List.of(new DomainHead("_trust", 1, D), new DomainHead("global", 4, D)),
                List.of(new ApplierStatus("yum", ApplierState.APPLIED, "yum: created x", List.of("etc/yum.repos.d/cscs-x.repo")),
                        new ApplierStatus("sshd", ApplierState.FAILED, "sshd: rolled back", List.of())),
                List.of(new KeyOverride("sysctl/kernel.sysrq", "factory-a", List.of("global"))),
                List.of(new Problem("bad-signature", "refused global seq 5")), List.of("a note"));
    }

    @Test
    void toJsonAndFromJsonRoundTrip() {
        StatusReport r = sample();
        assertThat(StatusReport.fromJson(r.toJson())).isEqualTo(r);
    }

    @Test
    void theExampleInStatusMdParsesAndWritesBackTheSameTree() throws Exception {
        String doc;
        try (InputStream in = StatusReport.class.getResourceAsStream("/dev/cscs/agent/status.md")) {
            doc = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String json = doc.substring(doc.indexOf("```json") + 7, doc.indexOf("```", doc.indexOf("```json") + 7));
        StatusReport r = StatusReport.fromJson(json);
        assertThat(r.appliers()).extracting(a -> a.state().wire()).containsExactly("applied", "drift-corrected", "failed", "in-sync");
        var mapper = new ObjectMapper();
        assertThat(mapper.readTree(r.toJson())).isEqualTo(mapper.readTree(json));
    }

    @Test
    void sameContentIgnoresOnlyTheTime() {
        StatusReport a = sample();
        StatusReport later = new StatusReport("n1", a.time().plusSeconds(30), a.revision(), a.applied(), a.heads(), a.appliers(),
                a.overrides(), a.errors(), a.notes());
        StatusReport moved = new StatusReport("n1", a.time(), a.revision() + 1, a.applied(), a.heads(), a.appliers(),
                a.overrides(), a.errors(), a.notes());
        assertThat(a.sameContent(later)).isTrue();
        assertThat(a.sameContent(moved)).isFalse();
        assertThat(a.sameContent(null)).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown field            | "notes":["a note"]                 | "notes":["a note"],"extra":1 | $: unknown field "extra"
            missing field            | ,"notes":["a note"]                |                              | $: missing field "notes"
            another format           | cscs/status/v1                     | cscs/status/v2               | $.format: "cscs/status/v2" is not cscs/status/v1
            unknown applier state    | "state":"applied"                  | "state":"done"               | applier state "done" is not one of
            bad digest               | "digest":"sha256:abab              | "digest":"md5:abab           | must be written sha256:
            bad node id              | "node":"n1"                        | "node":"N1!"                 | node id "N1!" is not valid
            file list of numbers     | "files":["etc/yum.repos.d/cscs-x.repo"] | "files":[1]             | $.files[0]: must be a string
            """)
    void theReaderRefusesWhatTheShapeDoesNotDefine(String why, String from, String to, String message) {
        String json = sample().toJson().replace(from, to == null ? "" : to);
        assertThatThrownBy(() -> StatusReport.fromJson(json))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED))
                .hasMessageContaining(message);
    }
}
