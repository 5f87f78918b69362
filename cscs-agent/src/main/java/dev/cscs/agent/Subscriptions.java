package dev.cscs.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.agent.status.StatusReport.Subscribed;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.model.Labels;
import dev.cscs.core.model.Names;
import dev.cscs.core.trust.TrustPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * The domains a node applies, in order, and why: its config's list first, in that order, then
 * every other domain of the trust policy whose selector matches the node's labels, by name. Two
 * devices with the same config and labels so resolve a key set by several domains alike, and a
 * new domain reaches the devices it selects with no config edit and no restart.
 */
record Subscriptions(List<Subscribed> domains) {
    static final String CONFIG = "config";

    Subscriptions {
        domains = List.copyOf(domains);
    }

    static Subscriptions resolve(List<String> configured, TrustPolicy policy, Labels labels) {
        List<Subscribed> out = new ArrayList<>();
        configured.forEach(d -> out.add(new Subscribed(d, CONFIG)));
        policy.domains().forEach((name, rule) -> {
            if (rule.selector() != null && !configured.contains(name) && rule.selector().matches(labels)) {
                out.add(new Subscribed(name, "selector " + rule.selector()));
            }
        });
        return new Subscriptions(out);
    }

    /**
     * The node's labels: those of its {@code _nodes} record when the verified registry gives it
     * labels, else those of the join token it was provisioned with.
     */
    static Labels labelsOf(VerifiedChains chains, String nodeId, Labels provisioned) {
        VerifiedChains.Value record = chains.values(Names.NODES).get(Names.nodeKey(nodeId));
        JsonNode labels = record == null ? null : record.value().get("labels");
        if (labels == null) {
            return provisioned;
        }
        try {
            return Labels.parse(labels, Names.nodeKey(nodeId) + ".labels");
        } catch (CscsException e) {
            // signed by operators but unreadable: no selector matches rather than a guess
            return Labels.NONE;
        }
    }

    List<String> names() {
        return domains.stream().map(Subscribed::domain).toList();
    }
}
