package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.cli.CliFiles;
import dev.cscs.cli.GlobalOptions;
import dev.cscs.cli.Printer;
import dev.cscs.cli.Version;
import dev.cscs.cli.http.ApiClient;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.KeyPath;
import dev.cscs.core.model.Names;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "get", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Show the current value of one key, with the seq that set it.",
            "Reads are linearizable; --local answers from the node alone (works without a quorum).",
            "--at-seq N shows the value as it was once seq N was applied: the domain's chain is verified here",
            "from --genesis (signatures, thresholds, links, head) and replayed to seq N."},
        footer = {"", "Examples:", "  cscs get factory-a sysctl/net.ipv4.ip_forward",
            "  cscs get factory-a yum/epel --at-seq 3 --genesis genesis.json",
            "  cscs get factory-a yum/epel -o json --endpoint http://10.0.0.2:7400"})
public final class GetCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "DOMAIN")
    String domain;

    @Parameters(index = "1", paramLabel = "KEY")
    String key;

    @Option(names = "--local", description = "Read this node's copy without a Raft read barrier.")
    boolean local;

    @Option(names = "--at-seq", paramLabel = "N", description = "The value as of seq N, replayed from the verified chain.")
    Long atSeq;

    @Option(names = "--genesis", paramLabel = "FILE", description = "With --at-seq: the genesis the history is verified from.")
    Path genesis;

    @Mixin
    GlobalOptions global;

    @Override
    public void run() {
        Names.checkDomain(domain);
        KeyPath k = KeyPath.parse(key);
        ApiClient api = new ApiClient(global);
        if (atSeq != null) {
            if (local) {
                throw new CscsException(ErrorCode.USAGE, "--at-seq replays the chain as the cluster agrees on it; drop --local");
            }
            if (genesis == null) {
                throw new CscsException(ErrorCode.USAGE, "--at-seq needs --genesis FILE: the history is verified from it");
            }
            ChainReplay.Entry e = ChainReplay.verified(api, CliFiles.readChangeset(genesis), domain).stateAt(atSeq).get(key);
            if (e == null) {
                throw new CscsException(ErrorCode.NOT_FOUND, "no key " + key + " in domain " + domain + " at seq " + atSeq);
            }
            JsonNode r = Printer.object().put("domain", domain).put("key", key).put("atSeq", atSeq).put("seq", e.seq())
                    .set("value", e.value());
            global.printer().result(r, Printer.toJson(e.value()) + "\n(" + domain + " at seq " + atSeq + ", set by seq " + e.seq() + ")");
            return;
        }
        JsonNode r = api.get("/v1/kv/" + domain + "/" + k.applier() + "/" + k.name() + (local ? "?consistency=local" : ""));
        global.printer().result(r, Printer.toJson(r.path("value")) + "\n(" + domain + " seq " + r.path("seq").asLong()
                + ", revision " + r.path("revision").asLong() + ")");
    }
}
