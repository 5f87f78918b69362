package dev.cscs.cli.command;

import dev.cscs.cli.GlobalOptions;
import dev.cscs.core.model.Names;
import dev.cscs.core.model.Op;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "put", mixinStandardHelpOptions = true, versionProvider = dev.cscs.cli.Version.class, sortOptions = false,
        description = {"Set one key: a one-op changeset, signed and submitted.",
            "The value is JSON (or @FILE). If the chain moves on meanwhile, it rebases once by itself."},
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
        Op op = new Op.Put(key, OpArgs.value(value, key));
        Submitter s = new Submitter(global);
        Submitter.printAccepted(global.printer(), s.submit(domain, head -> List.of(op), signWith, comment, "/v1/changesets"));
    }
}
