package dev.cscs.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.cli.CliRun;
import dev.cscs.core.testing.Chains;
import org.junit.jupiter.api.Test;

/** `cscs status` says why a node is failing in the table, and exits 1 for it. */
class StatusCommandTest {
    private static final String FAILING = "{\"heads\":{\"global\":{\"seq\":1}},\"nodes\":[{\"node\":\"n1\",\"role\":\"voter\","
            + "\"health\":\"failing\",\"ageSeconds\":3,\"domains\":{},\"appliers\":[{\"applier\":\"sshd\",\"state\":\"failed\","
            + "\"message\":\"sshd -t: bad option Foo\"}],\"errors\":[{\"code\":\"io\",\"message\":\"disk full\"}]}],\"suspects\":[]}";

    @Test
    void aFailingNodesReasonIsInTheTableAndTheExitIsOne() throws Exception {
        try (FakeNode node = new FakeNode()) {
            node.answers.put("/v1/status", Chains.json(FAILING));
            CliRun r = CliRun.of("status", "--endpoint", node.url());
            assertThat(r.exit()).isEqualTo(1);
            String row = r.out().lines().filter(l -> l.startsWith("n1")).findFirst().orElseThrow();
            assertThat(row).contains("failing").contains("sshd: sshd -t: bad option Foo").contains("io: disk full");
        }
    }

    @Test
    void anOkFleetExitsZero() throws Exception {
        try (FakeNode node = new FakeNode()) {
            node.answers.put("/v1/status", Chains.json(FAILING.replace("\"failing\"", "\"ok\"").replace("\"failed\"", "\"in-sync\"")
                    .replace("[{\"code\":\"io\",\"message\":\"disk full\"}]", "[]")));
            assertThat(CliRun.of("status", "--endpoint", node.url()).exit()).isZero();
        }
    }
}
