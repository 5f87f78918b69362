package dev.cscs.agent.applier;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.model.IpPrefix;
import dev.cscs.core.model.Names;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The firewall value schema, checked into records that the renderer turns into nft syntax.
 * Every token the renderer prints comes from a closed set (actions, protocols, chains) or is
 * rebuilt from parsed numbers and bytes (ports, addresses); only comments and interface names
 * are copied, from grammars without quotes or backslashes.
 */
final class FirewallModel {
    static final List<String> CHAINS = List.of("input", "forward", "output");
    static final int MAX_RULES = 256;
    private static final Set<String> FIELDS = Set.of("policy", "rules", "allowLockout");
    private static final Set<String> RULE_FIELDS = Set.of("action", "chain", "proto", "sport", "dport", "saddr", "daddr",
            "iif", "oif", "comment");
    private static final Set<String> ACTIONS = Set.of("accept", "drop", "reject");
    /** JSON name → nft {@code meta l4proto} name. */
    private static final Map<String, String> PROTOS = Map.of("tcp", "tcp", "udp", "udp", "sctp", "sctp", "icmp", "icmp",
            "icmpv6", "ipv6-icmp", "esp", "esp", "ah", "ah", "gre", "gre");
    private static final Set<String> PORT_PROTOS = Set.of("tcp", "udp", "sctp");
    private static final Pattern IFACE = Pattern.compile("[A-Za-z0-9_.-]{1,15}\\*?");
    private static final Pattern COMMENT = Pattern.compile("[A-Za-z0-9 _.,:/+@()-]{1,64}");
    private static final Pattern PORT = Pattern.compile("(0|[1-9][0-9]{0,4})(-(0|[1-9][0-9]{0,4}))?");

    private FirewallModel() {
    }

    record PortRange(int from, int to) {
        String render() {
            return from == to ? Integer.toString(from) : from + "-" + to;
        }
    }

    record Rule(String chain, String action, String proto, List<PortRange> sport, List<PortRange> dport,
                List<IpPrefix> saddr, List<IpPrefix> daddr, String iif, String oif, String comment) {
    }

    /** One checked entry; {@code policies} holds only the chains it sets. */
    record Entry(Map<String, String> policies, List<Rule> rules, boolean allowLockout) {
    }

    static Entry parse(String applier, String name, JsonNode value) {
        Fields f = Fields.of(applier, name, value, FIELDS);
        if (!f.has("policy") && !f.has("rules") && !f.has("allowLockout")) {
            throw Fields.error(f.key(), "sets nothing: give policy, rules or allowLockout");
        }
        Map<String, String> policies = new LinkedHashMap<>();
        f.node("policy").ifPresent(p -> {
            if (p.isTextual()) {
                policies.put("input", policy(f, "policy", p));
            } else if (p.isObject()) {
                Fields pf = f.nested("policy", p, Set.copyOf(CHAINS));
                for (String chain : CHAINS) {
                    pf.node(chain).ifPresent(n -> policies.put(chain, policy(pf, chain, n)));
                }
            } else {
                throw f.invalid("policy", "must be \"drop\" or \"accept\", or an object {\"input\": …, \"forward\": …, "
                        + "\"output\": …}, got " + Fields.typeOf(p));
            }
        });
        List<Rule> rules = new ArrayList<>();
        f.node("rules").ifPresent(n -> {
            List<JsonNode> items = f.array("rules", n, MAX_RULES);
            for (int i = 0; i < items.size(); i++) {
                rules.add(rule(f.nested("rules[" + i + "]", items.get(i), RULE_FIELDS)));
            }
        });
        boolean allowLockout = f.optBool("allowLockout").orElse(false);
        return new Entry(policies, rules, allowLockout);
    }

    private static String policy(Fields f, String field, JsonNode n) {
        String p = f.string(field, n, 64);
        if (!p.equals("drop") && !p.equals("accept")) {
            throw f.invalid(field, "must be \"drop\" or \"accept\", got " + Names.shown(p));
        }
        return p;
    }

    private static Rule rule(Fields r) {
        String action = r.requiredString("action", 64);
        if (!ACTIONS.contains(action)) {
            throw r.invalid("action", "must be accept, drop or reject, got " + Names.shown(action));
        }
        String chain = r.optString("chain", 64).orElse("input");
        if (!CHAINS.contains(chain)) {
            throw r.invalid("chain", "must be input, forward or output, got " + Names.shown(chain));
        }
        String proto = r.optString("proto", 64).orElse(null);
        if (proto != null && !PROTOS.containsKey(proto)) {
            throw r.invalid("proto", "must be one of " + String.join(", ", new TreeSet<>(PROTOS.keySet()))
                    + ", got " + Names.shown(proto));
        }
        List<PortRange> sport = ports(r, "sport");
        List<PortRange> dport = ports(r, "dport");
        if ((!sport.isEmpty() || !dport.isEmpty()) && (proto == null || !PORT_PROTOS.contains(proto))) {
            throw r.invalid(dport.isEmpty() ? "sport" : "dport", "needs \"proto\": \"tcp\", \"udp\" or \"sctp\"");
        }
        List<IpPrefix> saddr = addresses(r, "saddr");
        List<IpPrefix> daddr = addresses(r, "daddr");
        List<IpPrefix> all = new ArrayList<>(saddr);
        all.addAll(daddr);
        if (all.stream().map(IpPrefix::v6).distinct().count() > 1) {
            throw r.invalid(saddr.isEmpty() ? "daddr" : "saddr", "mixes IPv4 and IPv6 addresses; use one rule per family");
        }
        boolean v6 = !all.isEmpty() && all.get(0).v6();
        if (!all.isEmpty() && ("icmp".equals(proto) && v6 || "icmpv6".equals(proto) && !v6)) {
            throw r.invalid("proto", "is " + proto + " but the addresses are " + (v6 ? "IPv6" : "IPv4"));
        }
        String iif = iface(r, "iif");
        String oif = iface(r, "oif");
        if (iif != null && chain.equals("output")) {
            throw r.invalid("iif", "does not apply to the output chain; use oif");
        }
        if (oif != null && chain.equals("input")) {
            throw r.invalid("oif", "does not apply to the input chain; use iif");
        }
        String comment = r.optString("comment", 64).orElse(null);
        if (comment != null && !COMMENT.matcher(comment).matches()) {
            throw r.invalid("comment", Text.firstOutside(comment, "letters, digits, spaces and _.,:/+@()-",
                    cp -> cp < 128 && COMMENT.matcher(Character.toString(cp)).matches()));
        }
        return new Rule(chain, action, proto, sport, dport, saddr, daddr, iif, oif, comment);
    }

    private static List<PortRange> ports(Fields r, String field) {
        List<PortRange> out = new ArrayList<>();
        r.node(field).ifPresent(n -> {
            List<JsonNode> items = n.isArray() ? r.array(field, n, 64) : List.of(n);
            if (items.isEmpty()) {
                throw r.invalid(field, "is an empty array");
            }
            for (int i = 0; i < items.size(); i++) {
                String where = n.isArray() ? field + "[" + i + "]" : field;
                JsonNode p = items.get(i);
                if (p.isIntegralNumber()) {
                    int v = (int) r.integer(where, p, 1, 65535);
                    out.add(new PortRange(v, v));
                    continue;
                }
                String s = p.isTextual() ? p.textValue() : null;
                if (s == null || s.length() > 11 || !PORT.matcher(s).matches()) {
                    throw r.invalid(where, "must be a port (1-65535) or a range \"from-to\", got "
                            + (s == null ? Fields.typeOf(p) : Names.shown(s)));
                }
                String[] ft = s.split("-");
                int from = Integer.parseInt(ft[0]);
                int to = ft.length == 2 ? Integer.parseInt(ft[1]) : from;
                if (from < 1 || to > 65535 || from > to) {
                    throw r.invalid(where, "is " + s + "; ports are 1-65535 and a range goes from low to high");
                }
                out.add(new PortRange(from, to));
            }
        });
        return out;
    }

    private static List<IpPrefix> addresses(Fields r, String field) {
        List<IpPrefix> out = new ArrayList<>();
        r.node(field).ifPresent(n -> {
            List<String> items = r.strings(field, n, 64, 64);
            for (int i = 0; i < items.size(); i++) {
                Object p = IpPrefix.parse(items.get(i));
                if (p instanceof String why) {
                    throw r.invalid(n.isArray() ? field + "[" + i + "]" : field, Names.shown(items.get(i)) + " " + why);
                }
                out.add((IpPrefix) p);
            }
        });
        return out;
    }

    private static String iface(Fields r, String field) {
        String s = r.optString(field, 16).orElse(null);
        if (s != null && !IFACE.matcher(s).matches()) {
            throw r.invalid(field, "is not an interface name: up to 15 of letters, digits and _.-, optionally ending in *");
        }
        return s;
    }
}
