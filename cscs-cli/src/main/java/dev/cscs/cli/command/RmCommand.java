package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.cli.GlobalOptions;
import dev.cscs.cli.Printer;
import dev.cscs.cli.Version;
import dev.cscs.core.model.Names;
import dev.cscs.core.model.Op;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "rm", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Delete one key: a one-op changeset, signed and submitted.",
            "Devices remove the file the key made (only files cscs manages). Removing a key the domain does not",
            "hold is a no-op: it says so, exits 0 and adds no changeset."},
        footer = {"", "Example:", "  cscs rm factory-a service/telnet.socket --sign-with ops.key"})
public final class RmCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "DOMAIN")
    String domain;

    @Parameters(index = "1", paramLabel = "KEY")
    String key;

    @Option(names = "--sign-with", required = true, paramLabel = "KEY", description = "A private key to sign with (repeat).")
    List<Path> signWith;

    @Option(names = "--comment", description = "Why; kept in the chain.")
    String comment;

    @Mixin
    GlobalOptions global;

    @Override
    public void run() {
        Names.checkDomain(domain);
        OpArgs.checkKey(domain, key);
        Submitter s = new Submitter(global);
        JsonNode reply = s.submit(domain, head -> CurrentValue.of(s.api(), domain, key) == null ? List.of() : List.of(new Op.Delete(key)),
                signWith, comment, "/v1/changesets");
        if (reply == null) {
            global.printer().result(Printer.object().put("domain", domain).put("key", key).put("unchanged", true),
                    domain + " has no key " + key + "; nothing to remove");
            return;
        }
        Submitter.printAccepted(global.printer(), reply);
    }
}
