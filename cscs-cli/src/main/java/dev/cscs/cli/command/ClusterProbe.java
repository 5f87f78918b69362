package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.cli.Colors;
import dev.cscs.cli.GlobalOptions;
import dev.cscs.cli.Printer;
import dev.cscs.cli.http.ApiClient;
import dev.cscs.core.error.CscsException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Asks every member, not one node, how the cluster is: the members come from the first node
 * that answers (its Raft configuration, and the {@code api} URLs of the {@code _nodes}
 * registry) plus every configured endpoint; each is then asked {@code GET /v1/members}
 * on its own, so a dead node shows as unreachable instead of being vouched for by a live one.
 */
final class ClusterProbe {
    /** Whether a member answered; {@code UNKNOWN}: no URL of it is known, so it was not asked. */
    enum Reach { YES, NO, UNKNOWN }

    /** One member as it answered, or why it did not. */
    record Member(String id, String role, String api, JsonNode view, String error, Reach reach) {
        boolean reachable() {
            return reach == Reach.YES;
        }

        boolean down() {
            return reach == Reach.NO;
        }

        String cell() {
            return reach == Reach.YES ? Colors.green("yes") : reach == Reach.NO ? Colors.red("no") : Colors.yellow("?");
        }
    }

    record Result(List<Member> members, String leader, boolean quorum, long term) {
        /** Members of the Raft configuration that did not answer. */
        List<Member> unreachable() {
            return members.stream().filter(m -> m.id() != null && m.down()).toList();
        }

        List<Member> unasked() {
            return members.stream().filter(m -> m.reach() == Reach.UNKNOWN).toList();
        }

        /** Endpoints that did not answer and are not known to be a member's (no api URL in the registry). */
        List<Member> silentEndpoints() {
            return members.stream().filter(m -> m.id() == null).toList();
        }

        String counts() {
            long known = members.stream().filter(m -> m.id() != null).count();
            return unreachable().size() + " of " + known + " members unreachable"
                    + (unasked().isEmpty() ? "" : ", " + unasked().size() + " not asked (no api URL known)")
                    + (silentEndpoints().isEmpty() ? "" : ", " + silentEndpoints().size() + " endpoint(s) not answering");
        }

        boolean healthy() {
            return quorum && leader != null;
        }

        ObjectNode toJson() {
            ObjectNode o = Printer.object().put("healthy", healthy()).put("leader", leader).put("quorum", quorum).put("term", term);
            ArrayNode list = o.putArray("members");
            long commit = members.stream().filter(Member::reachable).mapToLong(m -> m.view().path("commitIndex").asLong()).max().orElse(0);
            for (Member m : members) {
                ObjectNode x = list.addObject().put("id", m.id()).put("role", m.role()).put("api", m.api())
                        .put("leader", m.id() != null && m.id().equals(leader));
                if (m.reach() == Reach.UNKNOWN) {
                    x.putNull("reachable");
                } else {
                    x.put("reachable", m.reachable());
                }
                if (m.reachable()) {
                    x.put("sees", m.view().path("leader").asText(null)).put("term", m.view().path("term").asLong())
                            .put("commitIndex", m.view().path("commitIndex").asLong())
                            .put("appliedIndex", m.view().path("appliedIndex").asLong())
                            .put("lag", Math.max(0, commit - m.view().path("appliedIndex").asLong()));
                } else {
                    x.put("error", m.error());
                }
            }
            return o;
        }
    }

    private ClusterProbe() {
    }

    static Result run(GlobalOptions global) {
        ApiClient first = new ApiClient(global);
        JsonNode view = null;
        try {
            view = first.get("/v1/members");
        } catch (CscsException e) {
            // every endpoint is down: each is still listed, as unreachable
        }
        Map<String, String> apiOf = new LinkedHashMap<>();
        Map<String, String> roleOf = new LinkedHashMap<>();
        if (view != null) {
            for (JsonNode m : view.path("members")) {
                String id = m.path("id").asText();
                roleOf.put(id, m.path("role").asText());
                apiOf.put(id, view.path("registry").path(id).path("api").asText(null));
            }
        }
        Set<String> urls = new LinkedHashSet<>();
        apiOf.values().stream().filter(u -> u != null).forEach(urls::add);
        first.endpoints().forEach(u -> urls.add(u.toString()));
        Map<String, Member> byId = new LinkedHashMap<>();
        List<Member> anonymous = new ArrayList<>();
        for (String url : urls) {
            ApiClient one = new ApiClient(List.of(url), first.http(), first.timeout());
            try {
                JsonNode v = one.get("/v1/members");
                String id = v.path("self").asText();
                byId.put(id, new Member(id, roleOf.getOrDefault(id, role(v, id)), url, v, null, Reach.YES));
            } catch (CscsException e) {
                String id = idOf(apiOf, url);
                Member m = new Member(id, id == null ? null : roleOf.get(id), url, null, e.getMessage(), Reach.NO);
                if (id == null) {
                    anonymous.add(m);
                } else {
                    byId.put(id, m);
                }
            }
        }
        List<Member> members = new ArrayList<>();
        for (String id : roleOf.keySet()) {
            members.add(byId.containsKey(id) ? byId.remove(id)
                    : new Member(id, roleOf.get(id), null, null, "not asked: no api URL in the _nodes registry, and no endpoint "
                            + "answered as it", Reach.UNKNOWN));
        }
        members.addAll(byId.values());
        // an endpoint that did not answer is one of the members that could not be asked: when there
        // are at least as many such endpoints as such members, every one of those members is down
        long unasked = members.stream().filter(m -> m.reach() == Reach.UNKNOWN).count();
        if (unasked > 0 && anonymous.size() >= unasked) {
            members.replaceAll(m -> m.reach() != Reach.UNKNOWN ? m
                    : new Member(m.id(), m.role(), null, null, "did not answer (one of the endpoints that did not)", Reach.NO));
        }
        members.addAll(anonymous);
        return summarize(members);
    }

    /**
     * A quorum: a majority of the voters not known to be down, and a leader named by the
     * voters that answered and not known to be down itself. A member that could not be asked
     * counts as up: the answering voters' leader then vouches for it.
     */
    private static Result summarize(List<Member> members) {
        long voters = members.stream().filter(m -> "voter".equals(m.role())).count();
        long votersDown = members.stream().filter(m -> "voter".equals(m.role()) && m.down()).count();
        Map<String, Integer> votes = new LinkedHashMap<>();
        long term = 0;
        for (Member m : members) {
            if (m.reachable() && "voter".equals(m.role()) && !m.view().path("leader").isNull()
                    && m.view().hasNonNull("leader")) {
                votes.merge(m.view().path("leader").asText(), 1, Integer::sum);
            }
            if (m.reachable()) {
                term = Math.max(term, m.view().path("term").asLong());
            }
        }
        String leader = null;
        int best = 0;
        for (Map.Entry<String, Integer> e : votes.entrySet()) {
            if (e.getValue() > best) {
                leader = e.getKey();
                best = e.getValue();
            }
        }
        String l = leader;
        boolean leaderUp = l != null && members.stream().noneMatch(m -> l.equals(m.id()) && m.down());
        boolean quorum = voters > 0 && best > 0 && voters - votersDown > voters / 2;
        return new Result(members, leaderUp ? leader : null, quorum && leaderUp, term);
    }

    private static String role(JsonNode view, String id) {
        for (JsonNode m : view.path("members")) {
            if (m.path("id").asText().equals(id)) {
                return m.path("role").asText();
            }
        }
        return null;
    }

    private static String idOf(Map<String, String> apiOf, String url) {
        for (Map.Entry<String, String> e : apiOf.entrySet()) {
            if (url.equals(e.getValue())) {
                return e.getKey();
            }
        }
        return null;
    }
}
