package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.cli.GlobalOptions;
import dev.cscs.cli.Table;
import dev.cscs.cli.Version;
import dev.cscs.cli.http.ApiClient;
import dev.cscs.core.model.Names;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "history", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Show a domain's chain: every changeset, who signed it and what it did."},
        footer = {"", "Examples:", "  cscs history factory-a", "  cscs history _trust          # the trust policy's own chain",
            "  cscs history factory-a --from 40 -o json"})
public final class HistoryCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "DOMAIN")
    String domain;

    @Option(names = "--from", paramLabel = "SEQ", defaultValue = "1", description = "Start at this seq (default 1).")
    long from;

    @Mixin
    GlobalOptions global;

    @Override
    public void run() {
        if (!Names.RESERVED.contains(domain)) {
            Names.checkDomain(domain);
        }
        JsonNode r = new ApiClient(global).get("/v1/changesets/" + domain + "?fromSeq=" + from);
        Table t = new Table("SEQ", "REVISION", "ISSUED", "DIGEST", "SIGS", "OPS", "COMMENT");
        for (JsonNode s : r.path("changesets")) {
            JsonNode body = s.path("changeset").path("body");
            StringBuilder ops = new StringBuilder();
            for (JsonNode op : body.path("ops")) {
                if (ops.length() > 0) {
                    ops.append(", ");
                }
                ops.append(op.path("op").asText().equals("put") ? "+" : "-").append(op.path("key").asText());
            }
            String o = ops.length() > 60 ? ops.substring(0, 57) + "..." : ops.toString();
            t.row(s.path("seq").asLong(), s.path("revision").asLong(), body.path("issued").asText(),
                    s.path("digest").asText().substring(7, 19), s.path("changeset").path("signatures").size(), o,
                    body.path("comment").asText(""));
        }
        global.printer().result(r, t.isEmpty() ? domain + ": no changesets yet" : t.toString());
    }
}
