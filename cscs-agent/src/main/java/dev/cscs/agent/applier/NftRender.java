package dev.cscs.agent.applier;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.agent.applier.FirewallModel.Entry;
import dev.cscs.agent.applier.FirewallModel.PortRange;
import dev.cscs.agent.applier.FirewallModel.Rule;
import dev.cscs.core.model.IpPrefix;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Merges the firewall entries (in domain order, then name) into table {@code inet cscs} and
 * renders it deterministically.
 *
 * <p>Merge rules: rules are concatenated per chain in entry order; for each chain the last
 * entry that sets a policy wins (a later domain overrides an earlier one, as for every key),
 * and a chain no entry sets accepts; anti-lockout is left out only if some entry says
 * {@code allowLockout: true}. The anti-lockout rules come first in their chains, so no entry's
 * drop can shadow them: established/related traffic, loopback, IPv6 neighbour discovery, and
 * the node's protected TCP ports.
 */
final class NftRender {
    static final String TABLE = "inet cscs";
    /** Makes the file replace the table in one transaction whether or not it exists (os-tools.md). */
    static final String REPLACE_PREAMBLE = "table inet cscs {}\ndelete table inet cscs\n";
    static final int MAX_TOTAL_RULES = 4096;
    private static final String ND = "meta l4proto ipv6-icmp icmpv6 type { nd-router-solicit, nd-router-advert, "
            + "nd-neighbor-solicit, nd-neighbor-advert } accept";

    private NftRender() {
    }

    record Source(String origin, Rule rule) {
    }

    /** The merged table: policy per chain, rules per chain (with the entry each came from), anti-lockout. */
    record Ruleset(Map<String, String> policies, Map<String, List<Source>> rules, boolean antiLockout,
                   List<Integer> protectedPorts, List<String> origins, List<String> notes) {
    }

    static Ruleset merge(List<DesiredEntry> desired, List<Integer> protectedPorts, Function<DesiredEntry, Entry> parse) {
        Map<String, String> policies = new LinkedHashMap<>();
        Map<String, String> policySetBy = new LinkedHashMap<>();
        Map<String, List<Source>> rules = new LinkedHashMap<>();
        FirewallModel.CHAINS.forEach(c -> {
            policies.put(c, "accept");
            rules.put(c, new ArrayList<>());
        });
        List<String> notes = new ArrayList<>();
        List<String> origins = new ArrayList<>();
        Set<String> lockoutBy = new LinkedHashSet<>();
        int total = 0;
        for (DesiredEntry d : desired) {
            String origin = d.domain() + "/" + d.name();
            origins.add(origin);
            Entry e = parse.apply(d);
            for (Map.Entry<String, String> p : e.policies().entrySet()) {
                String before = policySetBy.put(p.getKey(), origin);
                if (before != null && !policies.get(p.getKey()).equals(p.getValue())) {
                    notes.add("firewall: policy of chain " + p.getKey() + " is " + p.getValue() + " from " + origin
                            + ", overriding " + policies.get(p.getKey()) + " from " + before);
                }
                policies.put(p.getKey(), p.getValue());
            }
            for (Rule r : e.rules()) {
                rules.get(r.chain()).add(new Source(origin, r));
            }
            total += e.rules().size();
            if (e.allowLockout()) {
                lockoutBy.add(origin);
            }
        }
        if (total > MAX_TOTAL_RULES) {
            throw Fields.error("firewall", "the entries hold " + total + " rules together; at most " + MAX_TOTAL_RULES);
        }
        if (!lockoutBy.isEmpty()) {
            notes.add("firewall: anti-lockout is off (allowLockout: true in " + String.join(", ", lockoutBy)
                    + "): the cluster ports are not kept open");
        }
        return new Ruleset(policies, rules, lockoutBy.isEmpty(), protectedPorts, origins, notes);
    }

    static String render(Ruleset rs) {
        StringBuilder b = new StringBuilder(Managed.HEADER).append('\n');
        b.append("# Keys firewall/* merged in domain order: ").append(String.join(", ", rs.origins())).append('\n');
        b.append("# Replaces table inet cscs only, in one transaction: nft -f FILE\n");
        b.append(REPLACE_PREAMBLE);
        b.append("table inet cscs {\n");
        boolean first = true;
        for (String chain : FirewallModel.CHAINS) {
            if (!first) {
                b.append('\n');
            }
            first = false;
            b.append("\tchain ").append(chain).append(" {\n");
            b.append("\t\ttype filter hook ").append(chain).append(" priority filter; policy ")
                    .append(rs.policies().get(chain)).append(";\n");
            for (String line : antiLockout(rs, chain)) {
                b.append("\t\t").append(line).append('\n');
            }
            String lastOrigin = null;
            for (Source s : rs.rules().get(chain)) {
                if (!s.origin().equals(lastOrigin)) {
                    b.append("\t\t# ").append(s.origin()).append('\n');
                    lastOrigin = s.origin();
                }
                b.append("\t\t").append(rule(s.rule())).append('\n');
            }
            b.append("\t}\n");
        }
        b.append("}\n");
        return b.toString();
    }

    static List<String> antiLockout(Ruleset rs, String chain) {
        List<String> out = new ArrayList<>();
        if (!rs.antiLockout() || chain.equals("forward")) {
            return out;
        }
        String mark = " comment \"cscs anti-lockout\"";
        out.add("ct state established,related accept" + mark);
        out.add((chain.equals("input") ? "iifname" : "oifname") + " \"lo\" accept" + mark);
        out.add(ND + mark);
        if (!rs.protectedPorts().isEmpty()) {
            List<PortRange> ports = rs.protectedPorts().stream().map(p -> new PortRange(p, p)).toList();
            out.add("tcp dport " + set(ports, PortRange::render) + " accept" + mark);
        }
        return out;
    }

    static String rule(Rule r) {
        List<String> t = new ArrayList<>();
        if (r.iif() != null) {
            t.add("iifname \"" + r.iif() + "\"");
        }
        if (r.oif() != null) {
            t.add("oifname \"" + r.oif() + "\"");
        }
        addresses(t, "saddr", r.saddr());
        addresses(t, "daddr", r.daddr());
        if (!r.sport().isEmpty() || !r.dport().isEmpty()) {
            if (!r.sport().isEmpty()) {
                t.add(r.proto() + " sport " + set(r.sport(), PortRange::render));
            }
            if (!r.dport().isEmpty()) {
                t.add(r.proto() + " dport " + set(r.dport(), PortRange::render));
            }
        } else if (r.proto() != null) {
            t.add("meta l4proto " + (r.proto().equals("icmpv6") ? "ipv6-icmp" : r.proto()));
        }
        t.add(r.action());
        if (r.comment() != null) {
            t.add("comment \"" + r.comment() + "\"");
        }
        return String.join(" ", t);
    }

    private static void addresses(List<String> t, String field, List<IpPrefix> addrs) {
        if (!addrs.isEmpty()) {
            t.add((addrs.get(0).v6() ? "ip6 " : "ip ") + field + " " + set(addrs, IpPrefix::canonical));
        }
    }

    private static <T> String set(List<T> items, Function<T, String> show) {
        List<String> shown = items.stream().map(show).distinct().toList();
        return shown.size() == 1 ? shown.get(0) : "{ " + String.join(", ", shown) + " }";
    }

    /** What {@code nft -j list table inet cscs} must show: chain policies and rule counts. */
    static String shape(Ruleset rs) {
        List<String> parts = new ArrayList<>();
        for (String chain : FirewallModel.CHAINS) {
            parts.add(chain + "=" + rs.policies().get(chain) + "/" + (antiLockout(rs, chain).size() + rs.rules().get(chain).size()));
        }
        return String.join(" ", parts);
    }

    /** The same summary from nft's JSON listing; chains other than ours make it differ. */
    static String shapeOf(JsonNode listing) {
        Map<String, String> policy = new LinkedHashMap<>();
        Map<String, Integer> count = new LinkedHashMap<>();
        for (JsonNode item : listing.path("nftables")) {
            JsonNode chain = item.get("chain");
            if (chain != null) {
                String name = chain.path("name").asText();
                policy.put(name, chain.path("policy").asText("none"));
                count.putIfAbsent(name, 0);
            }
            JsonNode rule = item.get("rule");
            if (rule != null) {
                count.merge(rule.path("chain").asText(), 1, Integer::sum);
            }
        }
        List<String> parts = new ArrayList<>();
        List<String> names = new ArrayList<>(FirewallModel.CHAINS);
        count.keySet().stream().filter(n -> !names.contains(n)).sorted().forEach(names::add);
        for (String name : names) {
            if (count.containsKey(name)) {
                parts.add(name + "=" + policy.getOrDefault(name, "none") + "/" + count.get(name));
            }
        }
        return String.join(" ", parts);
    }
}
