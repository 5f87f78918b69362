package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.cli.GlobalOptions;
import dev.cscs.cli.Table;
import dev.cscs.cli.Version;
import dev.cscs.cli.http.ApiClient;
import dev.cscs.core.model.Names;
import java.util.Iterator;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ls", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"List the domains and their heads, or the keys of one domain."},
        footer = {"", "Examples:", "  cscs ls", "  cscs ls factory-a"})
public final class LsCommand implements Runnable {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DOMAIN")
    String domain;

    @Option(names = "--local", description = "Read this node's copy without a Raft read barrier.")
    boolean local;

    @Mixin
    GlobalOptions global;

    @Override
    public void run() {
        ApiClient api = new ApiClient(global);
        String q = local ? "?consistency=local" : "";
        if (domain == null) {
            JsonNode t = api.get("/v1/trust" + q);
            Table table = new Table("DOMAIN", "SEQ", "HEAD");
            for (Iterator<Map.Entry<String, JsonNode>> it = t.path("domains").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                table.row(e.getKey(), e.getValue().path("seq").asLong(), e.getValue().path("digest").asText());
            }
            global.printer().result(t.path("domains"), table.toString());
            return;
        }
        Names.checkDomain(domain);
        JsonNode r = api.get("/v1/kv/" + domain + q);
        Table table = new Table("KEY", "SEQ", "VALUE");
        for (Iterator<Map.Entry<String, JsonNode>> it = r.path("values").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String v = e.getValue().path("value").toString();
            table.row(e.getKey(), e.getValue().path("seq").asLong(), v.length() > 80 ? v.substring(0, 77) + "..." : v);
        }
        global.printer().result(r, table.isEmpty() ? domain + ": no keys (head seq " + r.path("head").path("seq").asLong() + ")"
                : table.toString());
    }
}
