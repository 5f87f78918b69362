package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.cli.GlobalOptions;
import dev.cscs.cli.Printer;
import dev.cscs.cli.http.ApiClient;
import dev.cscs.core.model.KeyPath;
import dev.cscs.core.model.Names;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "get", mixinStandardHelpOptions = true, versionProvider = dev.cscs.cli.Version.class,
        description = {"Show the current value of one key, with the seq that set it.",
            "Reads are linearizable; --local answers from the node alone (works without a quorum)."},
        footer = {"", "Examples:", "  cscs get factory-a sysctl/net.ipv4.ip_forward",
            "  cscs get factory-a yum/epel -o json --endpoint http://10.0.0.2:7400"})
public final class GetCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "DOMAIN")
    String domain;

    @Parameters(index = "1", paramLabel = "KEY")
    String key;

    @Option(names = "--local", description = "Read this node's copy without a Raft read barrier.")
    boolean local;

    @Mixin
    GlobalOptions global;

    @Override
    public void run() {
        Names.checkDomain(domain);
        KeyPath k = KeyPath.parse(key);
        JsonNode r = new ApiClient(global).get("/v1/kv/" + domain + "/" + k.applier() + "/" + k.name()
                + (local ? "?consistency=local" : ""));
        global.printer().result(r, Printer.toJson(r.path("value")) + "\n(" + domain + " seq " + r.path("seq").asLong()
                + ", revision " + r.path("revision").asLong() + ")");
    }
}
