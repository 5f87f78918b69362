package dev.cscs.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.chaos.History.Outcome;
import org.junit.jupiter.api.Test;

/** How the workload reads the servers' answers: from the error code they send (DESIGN.md's error body). */
class WorkloadTest {
    private static Api.Reply reply(int status, String body) throws Exception {
        return new Api.Reply(status, Api.JSON.readTree(body));
    }

    private static Api.Reply error(int status, String code, String message) throws Exception {
        return reply(status, "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\",\"hint\":\"h\"}}");
    }

    @Test
    void aNoKeyAnswerIsARead() throws Exception {
        assertThat(Workload.absent(error(404, "not-found", "no key yum/r1 in domain d1"))).isTrue();
    }

    @Test
    void otherAnswersAreNoReadOfNull() throws Exception {
        assertThat(Workload.absent(error(503, "unavailable", "no quorum"))).isFalse();
        // the code must be the one of that status; a bare message is no error body
        assertThat(Workload.absent(error(503, "not-found", "no key yum/r1"))).isFalse();
        assertThat(Workload.absent(reply(404, "{\"message\":\"no key yum/r1\"}"))).isFalse();
    }

    @Test
    void refusalsBeforeTheLogAreDefinite() throws Exception {
        assertThat(Workload.outcome(error(409, "wrong-seq", "seq 5, head is 6"))).isEqualTo(Outcome.FAILED);
        assertThat(Workload.outcome(error(403, "bad-signature", "x"))).isEqualTo(Outcome.FAILED);
        assertThat(Workload.outcome(error(400, "malformed", "x"))).isEqualTo(Outcome.FAILED);
        assertThat(Workload.outcome(error(413, "too-large", "x"))).isEqualTo(Outcome.FAILED);
        assertThat(Workload.outcome(error(429, "rate-limited", "x"))).isEqualTo(Outcome.FAILED);
        assertThat(Workload.outcome(error(404, "not-found", "no such endpoint"))).isEqualTo(Outcome.FAILED);
    }

    @Test
    void anythingElseMayHaveCommitted() throws Exception {
        assertThat(Workload.outcome(error(503, "unavailable", "no answer from a quorum within 20 s"))).isEqualTo(Outcome.UNKNOWN);
        assertThat(Workload.outcome(error(500, "internal", "x"))).isEqualTo(Outcome.UNKNOWN);
        // a status without the server's own error body: a proxy, a broken reply
        assertThat(Workload.outcome(reply(409, "{\"raw\":\"<html>conflict</html>\"}"))).isEqualTo(Outcome.UNKNOWN);
        assertThat(Workload.outcome(error(409, "no-such-code", "x"))).isEqualTo(Outcome.UNKNOWN);
        assertThat(Workload.outcome(error(400, "wrong-seq", "x"))).isEqualTo(Outcome.UNKNOWN);
        assertThat(Workload.outcome(error(400, "usage", "x"))).isEqualTo(Outcome.UNKNOWN);
    }

    @Test
    void aCreatedIsAcked() throws Exception {
        JsonNode body = Api.JSON.readTree("{\"seq\":3,\"digest\":\"sha256:ab\"}");
        assertThat(Workload.outcome(new Api.Reply(201, body))).isEqualTo(Outcome.ACKED);
    }

    @Test
    void anErrorIsDescribedByItsCodeAndMessage() throws Exception {
        assertThat(error(409, "wrong-seq", "seq 5, head is 6").describe()).isEqualTo("409 wrong-seq: seq 5, head is 6");
    }
}
