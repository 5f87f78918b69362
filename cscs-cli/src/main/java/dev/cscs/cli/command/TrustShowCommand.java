package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.cli.GlobalOptions;
import dev.cscs.cli.Table;
import dev.cscs.cli.Version;
import dev.cscs.cli.http.ApiClient;
import dev.cscs.core.trust.PolicyCodec;
import dev.cscs.core.trust.Selector;
import dev.cscs.core.trust.TrustPolicy;
import java.util.Iterator;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "show", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Show the cluster's current trust policy: keys, roots, operators, domains and their constraints."},
        footer = {"", "Example:", "  cscs trust show --endpoint http://10.0.0.1:7400"})
public final class TrustShowCommand implements Runnable {
    @Mixin
    GlobalOptions global;

    @Override
    public void run() {
        JsonNode t = new ApiClient(global).get("/v1/trust");
        JsonNode p = t.path("policy");
        StringBuilder b = new StringBuilder();
        b.append("genesis   ").append(t.path("genesis").asText()).append('\n');
        b.append("policy    seq ").append(t.path("head").path("seq").asLong()).append(' ')
                .append(t.path("head").path("digest").asText()).append('\n');
        b.append("roots     ").append(set(p.path("roots"))).append('\n');
        b.append("operators ").append(set(p.path("operators"))).append("\n\n");
        TrustPolicy policy = PolicyCodec.parse(p);
        Table d = new Table("DOMAIN", "SIGNERS", "APPLIERS", "SELECTOR", "HEAD SEQ");
        for (Iterator<Map.Entry<String, JsonNode>> it = p.path("domains").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Selector selector = policy.domains().get(e.getKey()).selector();
            d.row(e.getKey(), set(e.getValue()), e.getValue().has("appliers") ? e.getValue().path("appliers").toString() : "all",
                    selector == null ? "-" : selector.toString(), t.path("domains").path(e.getKey()).path("seq").asLong());
        }
        b.append(d).append("\n\n");
        Table c = new Table("DOMAIN", "CONSTRAINT", "ALLOWS");
        policy.domains().forEach((name, rule) -> rule.constraints().describe().forEach((where, what) ->
                c.row(name, where, what)));
        if (!c.isEmpty()) {
            b.append(c).append("\n\n");
        }
        Table k = new Table("KEYID", "ALG");
        for (Iterator<Map.Entry<String, JsonNode>> it = p.path("keys").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            k.row(e.getKey(), e.getValue().path("alg").asText());
        }
        b.append(k);
        global.printer().result(t, b.toString());
    }

    private static String set(JsonNode s) {
        StringBuilder b = new StringBuilder();
        b.append(s.path("threshold").asInt()).append(" of [");
        int i = 0;
        for (JsonNode id : s.path("keyids")) {
            b.append(i++ == 0 ? "" : ", ").append(id.asText(), 0, 12).append('…');
        }
        return b.append(']').toString();
    }
}
