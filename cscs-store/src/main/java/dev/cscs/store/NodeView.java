package dev.cscs.store;

import dev.cscs.core.model.Labels;

/**
 * What the cluster knows of a node: from an operator-signed {@code _nodes} entry or from an
 * admin-signed join token, whichever came later.
 *
 * @param role voter, replica, agent (edge, no Raft) or removed
 * @param raft host:port, or empty
 * @param keyAlg and {@code spki}: the node's own key, which must sign its status reports; null when unknown
 * @param labels what selectors match it by: the registry's, else its join token's
 */
public record NodeView(String id, String role, String raft, String api, String keyAlg, String spki, long revision,
                       String source, Labels labels) {
    public NodeView {
        labels = labels == null ? Labels.NONE : labels;
    }
}
