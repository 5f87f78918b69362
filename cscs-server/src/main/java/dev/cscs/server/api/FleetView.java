package dev.cscs.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.store.Alert;
import dev.cscs.store.ConfigStore;
import dev.cscs.store.LogEntry;
import dev.cscs.store.NodeView;
import dev.cscs.store.StoredChangeset;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The fleet as the store sees it: per node and domain the applied seq against the head, the
 * appliers' states, errors, and when the node was last heard from; lagging or failing nodes
 * first. Also the suspects: a node whose verified chain heads disagree with the cluster's, or
 * an origin whose proposals keep being refused, with the evidence.
 */
final class FleetView {
    /** Rejections that a correct node does not produce; conflicts (wrong seq/prev) are ordinary races. */
    static final Set<String> HOSTILE = Set.of("bad-signature", "unknown-key", "unauthorized-key", "below-threshold",
            "out-of-scope", "constraint", "unknown-domain", "malformed", "too-large", "invalid-value", "bad-token");
    static final int REPEATED = 3;

    private FleetView() {
    }

    static ObjectNode build(ConfigStore store, Instant now, Duration stale) {
        Map<String, Head> heads = store.heads();
        Map<String, Boolean> verified = store.statusVerified();
        Map<String, NodeView> known = store.nodes();
        Map<String, List<String>> suspects = new TreeMap<>();
        ObjectNode out = Json.object().put("revision", store.lastRevision()).put("time", now.toString())
                .put("staleAfterSeconds", stale.getSeconds());
        ObjectNode h = out.putObject("heads");
        heads.forEach((d, x) -> h.putObject(d).put("seq", x.seq()).put("digest", x.digest().toString()));
        List<ObjectNode> rows = new ArrayList<>();
        Map<String, LogEntry.ReportStatus> reports = store.status();
        // each row checks its node's heads against the chains: one digest per seq, read once per view
        Map<String, Map<Long, Digest>> chains = new HashMap<>();
        for (Map.Entry<String, LogEntry.ReportStatus> e : reports.entrySet()) {
            if (removed(known, e.getKey())) {
                continue;
            }
            rows.add(node(store, chains, e.getKey(), e.getValue(), heads, verified, known, now, stale, suspects));
        }
        for (String id : known.keySet()) {
            if (!reports.containsKey(id) && !"removed".equals(known.get(id).role())) {
                rows.add(Json.object().put("node", id).put("role", known.get(id).role()).put("health", "unknown")
                        .put("reason", "no status report yet"));
            }
        }
        rows.sort((a, b) -> Integer.compare(rank(a), rank(b)) != 0 ? Integer.compare(rank(a), rank(b))
                : a.path("node").asText().compareTo(b.path("node").asText()));
        ArrayNode nodes = out.putArray("nodes");
        rows.forEach(nodes::add);
        repeatedRejections(store.alerts(), suspects);
        suspects.keySet().removeIf(id -> removed(known, id));
        ArrayNode s = out.putArray("suspects");
        suspects.forEach((id, evidence) -> {
            ArrayNode ev = s.addObject().put("node", id).putArray("evidence");
            evidence.forEach(ev::add);
        });
        return out;
    }

    private static int rank(ObjectNode row) {
        switch (row.path("health").asText()) {
            case "suspect": return 0;
            case "failing": return 1;
            case "lagging": return 2;
            case "stale": return 3;
            case "unknown": return 4;
            default: return 5;
        }
    }

    private static ObjectNode node(ConfigStore store, Map<String, Map<Long, Digest>> chains, String id, LogEntry.ReportStatus r,
                                   Map<String, Head> heads, Map<String, Boolean> verified, Map<String, NodeView> known,
                                   Instant now, Duration stale, Map<String, List<String>> suspects) {
        JsonNode rep = r.report();
        ObjectNode row = Json.object().put("node", id).put("role", known.containsKey(id) ? known.get(id).role() : "voter")
                .put("lastSeen", r.time()).put("verified", verified.getOrDefault(id, false));
        long age = Duration.between(Instant.parse(r.time()), now).getSeconds();
        row.put("ageSeconds", Math.max(0, age));
        ObjectNode domains = row.putObject("domains");
        boolean lagging = false;
        for (JsonNode a : rep.path("applied")) {
            String d = a.path("domain").asText();
            Head head = heads.get(d);
            long seq = a.path("seq").asLong();
            ObjectNode x = domains.putObject(d).put("applied", seq);
            if (head != null) {
                x.put("head", head.seq()).put("lag", Math.max(0, head.seq() - seq));
                lagging |= seq < head.seq();
            }
        }
        // the node's domains in order, and why each: its config, or a selector matching its labels
        row.set("subscriptions", rep.path("domains").isArray() ? rep.path("domains").deepCopy() : Json.MAPPER.createArrayNode());
        for (JsonNode hd : rep.path("heads")) {
            String d = hd.path("domain").asText();
            long seq = hd.path("seq").asLong();
            String digest = hd.path("digest").asText();
            String problem = headProblem(chains.computeIfAbsent(d, x -> digests(store, x)), heads.get(d), d, seq, digest);
            if (problem != null) {
                suspects.computeIfAbsent(id, k -> new ArrayList<>()).add(problem);
            }
        }
        ArrayNode appliers = row.putArray("appliers");
        boolean failing = false;
        for (JsonNode a : rep.path("appliers")) {
            appliers.addObject().put("applier", a.path("applier").asText()).put("state", a.path("state").asText())
                    .put("message", a.path("message").asText(""));
            failing |= "failed".equals(a.path("state").asText());
        }
        row.set("errors", rep.path("errors").deepCopy());
        failing |= rep.path("errors").size() > 0;
        String health = suspects.containsKey(id) ? "suspect" : failing ? "failing" : lagging ? "lagging"
                : age > stale.getSeconds() ? "stale" : "ok";
        return row.put("health", health);
    }

    /** The digest of each seq of {@code domain} still in the store's history. */
    private static Map<Long, Digest> digests(ConfigStore store, String domain) {
        Map<Long, Digest> bySeq = new HashMap<>();
        for (StoredChangeset s : store.changesets(domain, 1, Integer.MAX_VALUE)) {
            bySeq.put(s.seq(), s.digest());
        }
        return bySeq;
    }

    /** Whether a node's verified head for {@code domain} fits the cluster's chain. */
    private static String headProblem(Map<Long, Digest> chain, Head clusterHead, String domain, long seq, String digest) {
        if (clusterHead == null) {
            return null;
        }
        if (seq > clusterHead.seq()) {
            return domain + ": the node claims seq " + seq + " but the cluster's head is " + clusterHead.seq();
        }
        if (seq == 0) {
            return null;
        }
        Digest ours = chain.get(seq);
        if (ours != null && !ours.toString().equals(digest)) {
            return domain + ": the node's seq " + seq + " is " + digest.substring(0, Math.min(19, digest.length()))
                    + "…, the cluster's is " + ours.shortForm() + "… (a forked chain)";
        }
        return null;
    }

    /** A removed node has been dealt with: it leaves the view. */
    private static boolean removed(Map<String, NodeView> known, String id) {
        return known.containsKey(id) && "removed".equals(known.get(id).role());
    }

    private static void repeatedRejections(List<Alert> alerts, Map<String, List<String>> suspects) {
        Map<String, Map<String, Long>> byOrigin = new TreeMap<>();
        for (Alert a : alerts) {
            // a refusal of a client's request at the node it reached blames the client, not the node
            if (HOSTILE.contains(a.code()) && (a.subject() == null || !a.subject().startsWith("client "))) {
                byOrigin.computeIfAbsent(a.origin(), k -> new TreeMap<>()).merge(a.code(), 1L + a.repeated(), Long::sum);
            }
        }
        byOrigin.forEach((origin, codes) -> {
            long total = codes.values().stream().mapToLong(Long::longValue).sum();
            if (total >= REPEATED) {
                suspects.computeIfAbsent(origin, k -> new ArrayList<>()).add(total
                        + " refused proposals came through it: " + codes);
            }
        });
    }
}
