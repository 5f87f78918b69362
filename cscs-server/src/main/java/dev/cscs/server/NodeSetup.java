package dev.cscs.server;

import dev.cscs.agent.AgentConfig;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.Limits;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Labels;
import dev.cscs.core.trust.JoinToken;
import dev.cscs.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * What a node of either kind, cluster node or edge agent, takes from its config file beyond
 * {@code ConfigLoader}. Kept apart from {@link Daemon}, which wires Raft and the HTTP API, so
 * that the edge agent's path loads neither (the slim {@code cscs-agent.jar} holds this class,
 * not Daemon).
 */
final class NodeSetup {
    private NodeSetup() {
    }

    /** The genesis changeset from {@code trust.genesis}. */
    static Changeset genesis(ServerConfig config) throws IOException {
        if (config.genesis() == null) {
            throw new CscsException(ErrorCode.BAD_CONFIG, config.source() + ": trust.genesis: this node needs the genesis "
                    + "file (anchor-only nodes get it when they join)");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(config.genesis());
        } catch (NoSuchFileException e) {
            throw new CscsException(ErrorCode.BAD_CONFIG, "trust.genesis " + config.genesis() + ": no such file");
        }
        try {
            return ChangesetCodec.parse(bytes, Limits.DEFAULT);
        } catch (CscsException e) {
            throw new CscsException(ErrorCode.BAD_CONFIG, "trust.genesis " + config.genesis() + ": " + e.getMessage());
        }
    }

    /** The agent's settings from the config file; it touches the live kernel and services only when its root is /. */
    static AgentConfig agentConfig(ServerConfig config, List<Integer> protectedPorts) {
        ServerConfig.Agent a = config.agent();
        return new AgentConfig(config.nodeId(), config.domains(), a.root(), a.appliers(), a.reconcileInterval(),
                a.quietPeriod(), a.quietMax(), a.statusInterval(), a.dryRun(),
                a.root().toAbsolutePath().normalize().equals(Path.of("/")), protectedPorts, a.commitConfirm(),
                config.dataDir().resolve("agent"), config.logDir().resolve("audit.jsonl"), a.maxStaleness());
    }

    /**
     * The labels the node was provisioned with: those of its join token ({@code server.token} or
     * {@code raft.join.token}), or none when it has no token file. Its {@code _nodes} record's win.
     */
    static Labels provisionedLabels(ServerConfig config) {
        Path token = config.edge() != null ? config.edge().token()
                : config.raft() != null && config.raft().join() != null ? config.raft().join().token() : null;
        if (token == null || !Files.exists(token)) {
            return Labels.NONE;
        }
        try {
            return JoinToken.parse(Files.readAllBytes(token)).labels();
        } catch (IOException | CscsException e) {
            throw new CscsException(ErrorCode.BAD_CONFIG, "the join token " + token + " gives this node's labels but cannot be read: "
                    + e.getMessage());
        }
    }
}
