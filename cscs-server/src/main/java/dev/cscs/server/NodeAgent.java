package dev.cscs.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cscs.agent.Agent;
import dev.cscs.agent.AgentConfig;
import dev.cscs.agent.AgentMetrics;
import dev.cscs.agent.applier.Reachability;
import dev.cscs.agent.status.StatusReport;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.trust.StatusSigning;
import dev.cscs.server.config.ServerConfig;
import dev.cscs.store.raft.RaftNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent inside {@code cscs server}: fed by the local store, reporting signed status
 * through Raft, and judging a firewall change by whether this node still reaches a quorum.
 */
final class NodeAgent {
    private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private NodeAgent() {
    }

    static Agent start(ServerConfig config, RaftNode raft, PrivateKeyRef identity, AgentMetrics metrics) {
        List<Integer> ports = new ArrayList<>(List.of(config.raft().listen().port(), config.apiListen().port()));
        if (config.apiLocal() != null) {
            ports.add(config.apiLocal().port());
        }
        Path root = config.agent().root();
        AgentConfig ac = NodeSetup.agentConfig(config, ports);
        Reachability quorum = within -> {
            try {
                raft.barrier(within);
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        };
        Agent agent = Agent.builder(ac).genesis(raft.store().genesis().changeset(), raft.store().genesis().digest())
                .labels(NodeSetup.provisionedLabels(config))
                .feed(new StoreFeed(raft.store())).reachability(quorum).metrics(metrics)
                .statusSink(report -> publish(raft, config.nodeId(), identity, report)).build();
        agent.start();
        LOG.info("agent started: domains {}, root {}{}", config.domains(), root, ac.live() ? " (live)" : " (files only)");
        return agent;
    }

    private static void publish(RaftNode raft, String node, PrivateKeyRef identity, StatusReport report) {
        JsonNode json;
        try {
            json = JSON.readTree(report.toJson());
        } catch (IOException e) {
            LOG.warn("status report not encodable: {}", e.getMessage());
            return;
        }
        raft.reportStatus(node, json, StatusSigning.sign(identity, json)).exceptionally(e -> {
            LOG.debug("status report not recorded (it is sent again with the next one): {}", e.getMessage());
            return null;
        });
    }
}
