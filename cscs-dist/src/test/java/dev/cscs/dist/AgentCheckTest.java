package dev.cscs.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cscs.cli.CliRun;
import dev.cscs.core.error.CscsException;
import dev.cscs.server.EdgeDaemon;
import dev.cscs.server.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cscs agent --check} accepts exactly the configs {@code cscs agent} runs with, and refuses the rest in the same words. */
class AgentCheckTest {
    @TempDir
    Path dir;

    private Path config(String name, String... lines) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, String.join("\n", lines) + "\n");
        return f;
    }

    @Test
    void aClusterNodesConfigIsRefusedByCheckWithTheMessageTheAgentWouldGive() throws Exception {
        Path node = config("node.yaml",
                "node: {id: n1, dataDir: " + dir.resolve("n1") + ", domains: [global]}",
                "raft:", "  listen: 127.0.0.1:7401", "  peers: [n1@127.0.0.1:7401]",
                "trust: {genesis: " + dir.resolve("genesis.json") + "}", "insecure: true");
        CscsException agentRefusal = catchThrowableOfType(() -> EdgeDaemon.start(ConfigLoader.load(node)), CscsException.class);
        assertThat(agentRefusal).isNotNull();

        CliRun check = CliRun.run(Main::commandLine, "agent", "--config", node.toString(), "--check");
        assertThat(check.exit()).isEqualTo(1);
        assertThat(check.out()).doesNotContain("ok");
        assertThat(check.err()).contains("bad-config").contains(agentRefusal.getMessage())
                .contains("server: {endpoints: [...]} is missing");
    }

    @Test
    void anEdgeConfigPassesCheck() throws Exception {
        Path edge = config("edge.yaml",
                "node: {id: d1, dataDir: " + dir.resolve("d1") + ", domains: [global]}",
                "server: {endpoints: [\"http://127.0.0.1:7400\"]}",
                "trust: {genesis: " + dir.resolve("genesis.json") + "}", "insecure: true");
        assertThat(CliRun.run(Main::commandLine, "agent", "--config", edge.toString(), "--check").ok().out())
                .contains(": ok (edge agent d1)");
    }
}
