package dev.cscs.core.constraint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.model.IpPrefix;
import dev.cscs.core.model.JsonFields;
import dev.cscs.core.model.Names;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Inbound traffic that every firewall value of the domain must still accept, e.g. SSH from the
 * management network: {@code {"proto": "tcp", "dport": 22, "saddr": "10.0.0.0/8"}}.
 *
 * <p>A value passes when, reading its input rules in order, a rule accepting all of that traffic
 * comes before any drop or reject rule that could match some of it, or when no rule matches and
 * its input policy is not drop. A rule narrowed by anything this check does not model (sport,
 * daddr, interfaces) counts as matching some of the traffic, never all of it. Because each value
 * passes on its own, the merge of a domain's values in order passes too: the firewall applier
 * concatenates their rules and drops by policy only if a value asked for it.
 */
public record KeepAccepting(String proto, int port, IpPrefix from) {
    private static final Set<String> PROTOS = Set.of("tcp", "udp", "sctp");

    private enum Match { NONE, SOME, ALL }

    static KeepAccepting parse(JsonNode n, String where) {
        JsonFields.object(n, where, Set.of("proto", "dport", "saddr"), Set.of());
        String proto = JsonFields.text(n, "proto", where);
        if (!PROTOS.contains(proto)) {
            throw CscsException.malformed(where + ".proto: must be tcp, udp or sctp, got " + Names.shown(proto));
        }
        long port = JsonFields.integer(n, "dport", where);
        if (port < 1 || port > 65535) {
            throw CscsException.malformed(where + ".dport: must be a port from 1 to 65535, got " + port);
        }
        Object from = IpPrefix.parse(JsonFields.text(n, "saddr", where));
        if (from instanceof String why) {
            throw CscsException.malformed(where + ".saddr: " + Names.shown(n.get("saddr").textValue()) + " " + why);
        }
        return new KeepAccepting(proto, (int) port, (IpPrefix) from);
    }

    ObjectNode toTree() {
        return JsonNodeFactory.instance.objectNode().put("proto", proto).put("dport", port).put("saddr", from.canonical());
    }

    String traffic() {
        return proto + " port " + port + " from " + from.canonical();
    }

    Optional<String> check(JsonNode value) {
        if (!value.isObject()) {
            return Optional.of("the value is not a firewall object, so it cannot be shown to accept " + traffic());
        }
        JsonNode rules = value.path("rules");
        if (!rules.isMissingNode() && !rules.isArray()) {
            return Optional.of("its rules are not an array, so it cannot be shown to accept " + traffic());
        }
        for (int i = 0; i < rules.size(); i++) {
            JsonNode r = rules.get(i);
            if (!r.isObject()) {
                return Optional.of("rules[" + i + "] is not an object, so the value cannot be shown to accept " + traffic());
            }
            JsonNode chain = r.path("chain");
            if (chain.isTextual() && !chain.textValue().equals("input")) {
                continue;
            }
            Match m = match(r);
            if (m == Match.NONE) {
                continue;
            }
            boolean accept = "accept".equals(r.path("action").textValue());
            if (accept && m == Match.ALL) {
                return Optional.empty();
            }
            if (!accept) {
                return Optional.of("rules[" + i + "] (" + Names.shown(r.path("action").asText("no action"))
                        + ") can match " + traffic() + " before any rule accepts all of it");
            }
        }
        JsonNode policy = value.path("policy");
        JsonNode input = policy.isObject() ? policy.path("input") : policy;
        if (!input.isMissingNode() && !"accept".equals(input.textValue())) {
            return Optional.of("its input policy is " + Names.shown(input.asText("unreadable"))
                    + " and no rule before it accepts all of " + traffic());
        }
        return Optional.empty();
    }

    private Match match(JsonNode rule) {
        Match m = Match.ALL;
        for (Map.Entry<String, JsonNode> e : rule.properties()) {
            Match field = switch (e.getKey()) {
                case "action", "chain", "comment" -> Match.ALL;
                case "proto" -> !e.getValue().isTextual() ? Match.SOME
                        : e.getValue().textValue().equals(proto) ? Match.ALL : Match.NONE;
                case "dport" -> ports(e.getValue());
                case "saddr" -> addresses(e.getValue());
                default -> Match.SOME;
            };
            if (field == Match.NONE) {
                return Match.NONE;
            }
            m = field == Match.SOME ? Match.SOME : m;
        }
        return m;
    }

    private Match ports(JsonNode n) {
        boolean unreadable = false;
        for (JsonNode p : n.isArray() ? n : List.of(n)) {
            long from;
            long to;
            if (p.isIntegralNumber()) {
                from = to = p.longValue();
            } else if (p.isTextual() && p.textValue().matches("[0-9]{1,5}(-[0-9]{1,5})?")) {
                String[] ft = p.textValue().split("-");
                from = Long.parseLong(ft[0]);
                to = Long.parseLong(ft[ft.length - 1]);
            } else {
                unreadable = true;
                continue;
            }
            if (from <= port && port <= to) {
                return Match.ALL;
            }
        }
        return unreadable ? Match.SOME : Match.NONE;
    }

    private Match addresses(JsonNode n) {
        Match best = Match.NONE;
        for (JsonNode a : n.isArray() ? n : List.of(n)) {
            Object p = a.isTextual() ? IpPrefix.parse(a.textValue()) : null;
            if (!(p instanceof IpPrefix prefix)) {
                best = Match.SOME;
            } else if (prefix.contains(from)) {
                return Match.ALL;
            } else if (prefix.overlaps(from)) {
                best = Match.SOME;
            }
        }
        return best;
    }
}
