package dev.cscs.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.KeyPath;
import dev.cscs.core.model.Names;
import dev.cscs.core.trust.PolicyCodec;
import dev.cscs.store.Alert;
import dev.cscs.store.ChainAudit;
import dev.cscs.store.ConfigStore;
import dev.cscs.store.KeyValue;
import dev.cscs.store.StoredChangeset;
import dev.cscs.store.raft.MemberInfo;
import dev.cscs.store.raft.MemberLink;
import dev.cscs.store.raft.RaftInfo;
import dev.cscs.store.raft.RaftNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The read side: chains, values, trust, members, alerts and audit. Reads are linearizable
 * (a Raft read barrier first) unless the client asks for {@code ?consistency=local}, which a
 * node cut off from its quorum still answers.
 */
final class ReadRoutes {
    private static final Duration BARRIER = Duration.ofSeconds(5);
    private final RaftNode raft;

    ReadRoutes(RaftNode raft) {
        this.raft = raft;
    }

    void register(Javalin app) {
        app.get("/v1/changesets/{domain}", this::changesets);
        app.get("/v1/kv/{domain}", this::values);
        app.get("/v1/kv/{domain}/{applier}/{name}", this::value);
        app.get("/v1/trust", this::trust);
        app.get("/v1/members", this::members);
        app.get("/v1/alerts", this::alerts);
        app.get("/v1/audit", this::audit);
    }

    private ConfigStore consistent(Context ctx) {
        String c = ctx.queryParam("consistency");
        if (c == null || c.equals("linearizable")) {
            raft.barrier(BARRIER);
        } else if (!c.equals("local")) {
            throw CscsException.malformed("consistency must be linearizable (default) or local");
        }
        return raft.store();
    }

    private static String domain(Context ctx, ConfigStore store) {
        String d = ctx.pathParam("domain");
        if (!Names.RESERVED.contains(d)) {
            Names.checkDomain(d);
        }
        if (store.head(d) == null) {
            // the same code as a submission to it: one answer, and one exit code, for every verb
            throw new CscsException(ErrorCode.UNKNOWN_DOMAIN, "domain " + d + " is not in the trust policy");
        }
        return d;
    }

    private static long longParam(Context ctx, String name, long dflt, long min, long max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) {
                throw CscsException.malformed(name + " must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw CscsException.malformed(name + " \"" + Names.shown(v) + "\" is not a number");
        }
    }

    private static ObjectNode head(Head h) {
        return Json.object().put("seq", h.seq()).put("digest", h.digest().toString());
    }

    private void changesets(Context ctx) {
        ConfigStore store = consistent(ctx);
        String d = domain(ctx, store);
        long fromSeq = longParam(ctx, "fromSeq", 1, 0, Long.MAX_VALUE);
        int limit = (int) longParam(ctx, "limit", 1000, 0, 10_000);
        ObjectNode out = Json.object().put("domain", d).put("revision", store.lastRevision());
        out.set("head", head(store.head(d)));
        ArrayNode list = out.putArray("changesets");
        for (StoredChangeset s : store.changesets(d, Math.max(1, fromSeq), limit)) {
            list.add(Json.stored(s));
        }
        Json.send(ctx, 200, out);
    }

    private void values(Context ctx) {
        ConfigStore store = consistent(ctx);
        String d = domain(ctx, store);
        ObjectNode out = Json.object().put("domain", d).put("revision", store.lastRevision());
        out.set("head", head(store.head(d)));
        ObjectNode values = out.putObject("values");
        for (KeyValue kv : store.values(d).values()) {
            values.putObject(kv.key()).put("seq", kv.seq()).put("revision", kv.revision()).set("value", kv.value());
        }
        Json.send(ctx, 200, out);
    }

    private void value(Context ctx) {
        ConfigStore store = consistent(ctx);
        String d = domain(ctx, store);
        String key = new KeyPath(ctx.pathParam("applier"), ctx.pathParam("name")).toString();
        KeyValue kv = store.values(d).get(key);
        if (kv == null) {
            throw new CscsException(ErrorCode.NOT_FOUND, "no key " + key + " in domain " + d);
        }
        ObjectNode out = Json.object().put("domain", d).put("key", key).put("seq", kv.seq()).put("revision", kv.revision());
        out.set("value", kv.value());
        Json.send(ctx, 200, out);
    }

    private void trust(Context ctx) {
        ConfigStore store = consistent(ctx);
        ObjectNode out = Json.object().put("genesis", store.genesis().digest().toString());
        out.set("head", head(store.head(Names.TRUST)));
        out.set("policy", PolicyCodec.toTree(store.policy()));
        ArrayNode chain = out.putArray("chain");
        store.changesets(Names.TRUST, 1, Integer.MAX_VALUE).forEach(s -> chain.add(Json.stored(s)));
        ObjectNode domains = out.putObject("domains");
        for (Map.Entry<String, Head> e : store.heads().entrySet()) {
            domains.set(e.getKey(), head(e.getValue()));
        }
        Json.send(ctx, 200, out);
    }

    private void members(Context ctx) {
        RaftInfo info = raft.info();
        ObjectNode out = Json.object().put("self", info.nodeId()).put("leader", info.leaderId()).put("term", info.term())
                .put("commitIndex", info.commitIndex()).put("appliedIndex", info.appliedIndex());
        ConfigStore store = raft.store();
        Map<String, Alert> steered = lastAutopilotActions(store);
        ArrayNode members = out.putArray("members");
        Map<String, MemberLink> links = raft.links();
        for (MemberInfo m : raft.members()) {
            ObjectNode row = members.addObject().put("id", m.id()).put("address", m.address()).put("role", m.role())
                    .put("leader", m.id().equals(info.leaderId()));
            MemberLink link = links.get(m.id());
            if (link != null) {
                row.put("commitIndex", link.commitIndex());
                if (link.lastContactMs() != null) {
                    row.put("lastContactMs", link.lastContactMs());
                }
            }
            Alert a = steered.remove(m.id());
            if (a != null) {
                row.set("autopilot", autopilotNote(a));
            }
        }
        ObjectNode autopilot = out.putObject("autopilot").put("enabled", raft.autopilot() != null);
        if (raft.autopilot() != null) {
            autopilot.put("voters", raft.autopilot().voters())
                    .put("replaceAfterMs", raft.autopilot().replaceAfter().toMillis())
                    .put("removeDeadAfterMs", raft.autopilot().removeDeadAfter().toMillis())
                    .put("minIntervalMs", raft.autopilot().minInterval().toMillis());
        }
        // what the autopilot took out of the configuration is no longer a member: its note goes here
        ArrayNode removed = autopilot.putArray("removed");
        steered.forEach((id, a) -> removed.add(autopilotNote(a).put("id", id)));
        ObjectNode registry = out.putObject("registry");
        store.values(Names.NODES).forEach((k, kv) -> registry.set(k.substring("node/".length()), kv.value()));
        out.set("registryHead", head(store.head(Names.NODES)));
        // every node the cluster knows (registry or join), with the labels its selectors match on
        ObjectNode nodes = out.putObject("nodes");
        store.nodes().forEach((id, v) -> nodes.putObject(id).put("role", v.role()).put("raft", v.raft())
                .put("source", v.source()).set("labels", v.labels().toTree()));
        // the latest signed freshness record: that the leader signs them, and with whose key
        store.freshness().ifPresent(f -> out.putObject("freshness").put("node", f.freshness().node())
                .put("issued", f.freshness().issued().toString()).put("revision", f.revision())
                .put("keyid", f.freshness().signature().keyid()));
        Json.send(ctx, 200, out);
    }

    /** The latest autopilot alert about each member, from the replicated alerts (so every node answers alike). */
    private static Map<String, Alert> lastAutopilotActions(ConfigStore store) {
        Map<String, Alert> out = new TreeMap<>();
        for (Alert a : store.alerts()) {
            if (Alert.AUTOPILOT.equals(a.code()) && a.subject() != null) {
                out.put(a.subject(), a);
            }
        }
        return out;
    }

    private static ObjectNode autopilotNote(Alert a) {
        return Json.object().put("time", a.time()).put("by", a.origin()).put("message", a.message());
    }

    private void alerts(Context ctx) {
        ConfigStore store = consistent(ctx);
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (Alert a : store.alerts()) {
            list.addObject().put("revision", a.revision()).put("time", a.time()).put("origin", a.origin())
                    .put("code", a.code()).put("message", a.message()).put("subject", a.subject()).put("repeated", a.repeated());
        }
        ObjectNode out = Json.object();
        out.set("alerts", list);
        ObjectNode counts = out.putObject("rejections");
        store.rejectionsByCode().forEach(counts::put);
        Json.send(ctx, 200, out);
    }

    private void audit(Context ctx) {
        ConfigStore store = consistent(ctx);
        ChainAudit.Result r = ChainAudit.run(store);
        ObjectNode out = Json.object().put("node", raft.nodeId()).put("ok", r.ok()).put("checked", r.checked())
                .put("revision", store.lastRevision());
        ObjectNode heads = out.putObject("heads");
        r.heads().forEach((d, h) -> heads.set(d, head(h)));
        ArrayNode breaks = out.putArray("breaks");
        for (ChainAudit.Break b : r.breaks()) {
            breaks.addObject().put("revision", b.revision()).put("domain", b.domain()).put("seq", b.seq())
                    .put("code", b.code()).put("message", b.message());
        }
        Json.send(ctx, 200, out);
    }
}
