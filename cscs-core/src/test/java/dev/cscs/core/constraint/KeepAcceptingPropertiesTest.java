package dev.cscs.core.constraint;

import static dev.cscs.core.testing.Chains.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.model.IpPrefix;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The firewall guard is sound: whenever it passes a value (or each of several values), every
 * concrete SSH packet from the management network is accepted by a first-match reading of the
 * rules as nft reads them, alone and merged in order. A guard that took a narrowed accept for a
 * full one, or skipped a drop, fails these with a counterexample.
 */
class KeepAcceptingPropertiesTest {
    private static final KeepAccepting SSH = KeepAccepting.parse(
            json("{\"proto\": \"tcp\", \"dport\": 22, \"saddr\": \"10.0.0.0/8\"}"), "k");
    private static final List<String> SOURCES = List.of("10.0.0.1", "10.1.2.3", "10.200.0.9");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    record Packet(String saddr, String iif, int sport) {
    }

    @Property(tries = 3000)
    void aValueTheGuardPassesAcceptsEveryManagementPacket(@ForAll("values") JsonNode value) {
        if (SSH.check(value).isEmpty()) {
            for (Packet p : packets()) {
                assertThat(accepts(List.of(value), p)).as("%s on %s", p, value).isTrue();
            }
        }
    }

    @Property(tries = 2000)
    void valuesTheGuardPassesStillAcceptWhenMerged(@ForAll("values") JsonNode a, @ForAll("values") JsonNode b) {
        if (SSH.check(a).isEmpty() && SSH.check(b).isEmpty()) {
            for (Packet p : packets()) {
                assertThat(accepts(List.of(a, b), p)).as("%s on %s then %s", p, a, b).isTrue();
            }
        }
    }

    private static List<Packet> packets() {
        List<Packet> out = new ArrayList<>();
        for (String s : SOURCES) {
            for (String iif : List.of("eth0", "eth1")) {
                for (int sport : List.of(1500, 40000)) {
                    out.add(new Packet(s, iif, sport));
                }
            }
        }
        return out;
    }

    /** First match over the merged input rules; the input policy drops only if a value set it to drop. */
    private static boolean accepts(List<JsonNode> values, Packet p) {
        boolean drop = false;
        for (JsonNode v : values) {
            JsonNode policy = v.path("policy");
            drop |= "drop".equals((policy.isObject() ? policy.path("input") : policy).textValue());
        }
        for (JsonNode v : values) {
            for (JsonNode r : v.path("rules")) {
                if (!r.path("chain").asText("input").equals("input") || !matches(r, p)) {
                    continue;
                }
                return r.path("action").asText().equals("accept");
            }
        }
        return !drop;
    }

    private static boolean matches(JsonNode r, Packet p) {
        if (r.has("proto") && !r.get("proto").asText().equals("tcp")) {
            return false;
        }
        if (r.has("dport") && !inPorts(r.get("dport"), 22)) {
            return false;
        }
        if (r.has("sport") && !inPorts(r.get("sport"), p.sport())) {
            return false;
        }
        if (r.has("iif") && !r.get("iif").asText().equals(p.iif())) {
            return false;
        }
        if (r.has("saddr")) {
            IpPrefix src = (IpPrefix) IpPrefix.parse(p.saddr());
            boolean any = false;
            for (JsonNode a : r.get("saddr").isArray() ? r.get("saddr") : List.of(r.get("saddr"))) {
                any |= ((IpPrefix) IpPrefix.parse(a.asText())).contains(src);
            }
            return any;
        }
        return true;
    }

    private static boolean inPorts(JsonNode n, int port) {
        for (JsonNode p : n.isArray() ? n : List.of(n)) {
            String[] ft = p.asText().split("-");
            if (Integer.parseInt(ft[0]) <= port && port <= Integer.parseInt(ft[ft.length - 1])) {
                return true;
            }
        }
        return false;
    }

    @Provide
    Arbitrary<JsonNode> values() {
        Arbitrary<String> policy = Arbitraries.of("", "drop", "accept", "{drop}");
        return Combinators.combine(policy, rule().list().ofMaxSize(4)).as((pol, rules) -> {
            ObjectNode v = NODES.objectNode();
            if (pol.equals("{drop}")) {
                v.putObject("policy").put("input", "drop");
            } else if (!pol.isEmpty()) {
                v.put("policy", pol);
            }
            ArrayNode a = v.putArray("rules");
            rules.forEach(a::add);
            return v;
        });
    }

    private Arbitrary<JsonNode> rule() {
        Arbitrary<String> action = Arbitraries.of("accept", "drop", "reject");
        Arbitrary<String> proto = Arbitraries.of("", "tcp", "udp");
        Arbitrary<String> dport = Arbitraries.of("", "22", "80", "20-30", "[80,22]");
        Arbitrary<String> saddr = Arbitraries.of("", "10.0.0.0/8", "10.1.0.0/16", "192.168.0.0/16", "0.0.0.0/0", "[10.1.0.0/16,10.0.0.0/8]");
        Arbitrary<String> extra = Arbitraries.of("", "iif", "sport", "chain=output", "chain=input");
        return Combinators.combine(action, proto, dport, saddr, extra).as((act, pr, dp, sa, ex) -> {
            ObjectNode r = NODES.objectNode().put("action", act);
            if (!pr.isEmpty() || !dp.isEmpty()) {
                r.put("proto", pr.isEmpty() ? "tcp" : pr);
            }
            if (dp.startsWith("[")) {
                r.putArray("dport").add(80).add(22);
            } else if (!dp.isEmpty()) {
                r.put("dport", dp);
            }
            if (sa.startsWith("[")) {
                r.putArray("saddr").add("10.1.0.0/16").add("10.0.0.0/8");
            } else if (!sa.isEmpty()) {
                r.put("saddr", sa);
            }
            switch (ex) {
                case "iif" -> r.put("iif", "eth0");
                case "sport" -> r.put("sport", "1000-2000");
                case "chain=output" -> r.put("chain", "output");
                case "chain=input" -> r.put("chain", "input");
                default -> { }
            }
            return r;
        });
    }
}
