package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.cli.GlobalOptions;
import dev.cscs.cli.Printer;
import dev.cscs.cli.Version;
import dev.cscs.core.json.Jcs;
import dev.cscs.core.model.Names;
import dev.cscs.core.model.Op;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "put", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Set one key: a one-op changeset, signed and submitted.",
            "The value is JSON (or @FILE). If the chain moves on meanwhile, it rebases once by itself.",
            "Putting the value a key already holds is a no-op: it says so, exits 0 and adds no changeset."},
        footer = {"", "Examples:",
            "  cscs put factory-a sysctl/net.ipv4.ip_forward '{\"value\":\"0\"}' \\",
            "      --sign-with ops.key",
            "  cscs put global yum/epel @epel.json --sign-with ops.key \\",
            "      --comment 'pin EPEL mirror'",
            "", "Value schemas (docs/appliers.md):",
            "  yum/<repoid>     {\"name\":\"EPEL\",\"baseurl\":\"https://…\",\"gpgcheck\":true,",
            "                   \"gpgkey\":\"https://…\"}",
            "  apt/<name>       {\"types\":[\"deb\"],\"uris\":[\"https://…\"],\"suites\":[\"bookworm\"],",
            "                   \"components\":[\"main\"],\"signedBy\":\"<armored key>\"}",
            "  sysctl/<name>    {\"value\":\"0\"}",
            "  firewall/<name>  {\"policy\":\"drop\",\"rules\":[{\"action\":\"accept\",\"proto\":\"tcp\",",
            "                   \"dport\":22,\"saddr\":\"10.0.0.0/8\"}]}",
            "  sshd/<name>      {\"settings\":{\"PermitRootLogin\":\"no\",",
            "                   \"PasswordAuthentication\":\"no\"}}",
            "  service/<unit>   {\"state\":\"masked\"} or {\"state\":\"disabled\"}"})
public final class PutCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "DOMAIN")
    String domain;

    @Parameters(index = "1", paramLabel = "KEY", description = "<applier>/<name>, e.g. sysctl/net.ipv4.ip_forward")
    String key;

    @Parameters(index = "2", paramLabel = "VALUE", description = "JSON, or @FILE")
    String value;

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
        JsonNode v = OpArgs.value(value, key);
        Submitter s = new Submitter(global);
        JsonNode reply = s.submit(domain, head -> {
            JsonNode now = CurrentValue.of(s.api(), domain, key);
            return now != null && Jcs.canonicalString(now).equals(Jcs.canonicalString(v)) ? List.of() : List.of(new Op.Put(key, v));
        }, signWith, comment, "/v1/changesets");
        if (reply == null) {
            global.printer().result(Printer.object().put("domain", domain).put("key", key).put("unchanged", true),
                    domain + " " + key + " already holds this value; nothing to change");
            return;
        }
        Submitter.printAccepted(global.printer(), reply);
    }
}
