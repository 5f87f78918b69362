package dev.cscs.agent.applier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.IpPrefix;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of every applier's validate: total (only INVALID_VALUE escapes, whatever the JSON
 * tree, including node types StrictJson never produces), and a key name with '/' or '..' is
 * never accepted. Plus the address parser's round trip.
 */
class ValidatePropertiesTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Field names and values from the schemas, so random trees reach past the first check. */
    private static final List<String> WORDS = List.of("name", "baseurl", "metalink", "enabled", "gpgcheck", "gpgkey", "priority",
            "types", "uris", "suites", "components", "signedBy", "value", "policy", "rules", "allowLockout", "action", "proto",
            "dport", "sport", "saddr", "daddr", "iif", "oif", "chain", "comment", "settings", "PermitRootLogin", "AllowUsers",
            "Ciphers", "Banner", "MaxAuthTries", "state", "masked", "disabled", "deb", "tcp", "udp", "icmp", "drop", "accept",
            "reject", "input", "output", "no", "yes", "https://a.example/x", "10.0.0.0/8", "::1", "fe80::/10", "22", "1-65535",
            "8000-80", "", " ", "\n", "\u2028", "[main]", "a=b", "$(id)", "..", "/", "-----BEGIN PGP PUBLIC KEY BLOCK-----");

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.oneOf(Arbitraries.of("epel", "net.ipv4.ip_forward", "telnet.socket", "web", "a", "x.service"),
                Arbitraries.strings().ofMaxLength(140));
    }

    @Property(tries = 3000)
    void validateIsTotal(@ForAll long seed, @ForAll("names") String name, @ForAll @IntRange(min = 0, max = 5) int which) {
        JsonNode value = tree(new Random(seed), 0);
        Applier a = Appliers.all().get(which);
        Throwable t = catchThrowable(() -> a.validate(name, value));
        if (t != null) {
            assertThat(t).isInstanceOf(CscsException.class);
            assertThat(((CscsException) t).code()).isEqualTo(ErrorCode.INVALID_VALUE);
            assertThat(t.getMessage()).startsWith(a.name() + "/");
        }
    }

    @Property(tries = 500)
    void aNameWithSlashOrDotDotIsNeverAccepted(@ForAll("names") String base, @ForAll boolean slash, @ForAll @IntRange(min = 0, max = 5) int which) {
        String name = (base.isEmpty() ? "a" : base) + (slash ? "/etc" : "..x");
        Applier a = Appliers.all().get(which);
        for (String v : List.of("{\"baseurl\": \"https://a.example/\"}", "{\"value\": \"1\"}", "{\"state\": \"masked\"}",
                "{\"policy\": \"drop\"}", "{\"settings\": {}}")) {
            assertThatThrownBy(() -> a.validate(name, Support.json(v))).isInstanceOf(CscsException.class)
                    .hasMessageContaining("key name");
        }
    }

    @Property(tries = 2000)
    void addressesRoundTripThroughTheirCanonicalForm(@ForAll long seed, @ForAll boolean v6) {
        Random r = new Random(seed);
        byte[] bytes = new byte[v6 ? 16 : 4];
        r.nextBytes(bytes);
        if (v6 && r.nextBoolean()) {
            // runs of zero groups exercise '::'
            int from = r.nextInt(16);
            Arrays.fill(bytes, from, Math.min(16, from + 2 * r.nextInt(8)), (byte) 0);
        }
        int len = r.nextInt(bytes.length * 8 + 1);
        for (int b = len; b < bytes.length * 8; b++) {
            bytes[b / 8] &= (byte) ~(0x80 >> (b % 8));
        }
        IpPrefix p = new IpPrefix(bytes, len);
        Object again = IpPrefix.parse(p.canonical());
        assertThat(again).as(p.canonical()).isEqualTo(p);
    }

    private static JsonNode tree(Random r, int depth) {
        int kind = depth > 4 ? r.nextInt(6) : r.nextInt(9);
        switch (kind) {
            case 0: return F.textNode(WORDS.get(r.nextInt(WORDS.size())));
            case 1: return F.numberNode(r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(70000) - 10);
            case 2: return F.booleanNode(r.nextBoolean());
            case 3: return F.nullNode();
            case 4: return F.numberNode(r.nextDouble() * 100);
            case 5: return F.textNode(randomText(r));
            case 6: {
                ArrayNode a = F.arrayNode();
                for (int i = r.nextInt(5); i > 0; i--) {
                    a.add(tree(r, depth + 1));
                }
                return a;
            }
            default: {
                ObjectNode o = F.objectNode();
                for (int i = r.nextInt(5); i > 0; i--) {
                    o.set(WORDS.get(r.nextInt(WORDS.size())), tree(r, depth + 1));
                }
                return o;
            }
        }
    }

    private static String randomText(Random r) {
        StringBuilder b = new StringBuilder();
        for (int i = r.nextInt(20); i > 0; i--) {
            b.appendCodePoint(r.nextInt(4) == 0 ? r.nextInt(0x3000) : 0x20 + r.nextInt(0x5f));
        }
        return b.toString();
    }
}
