package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.cli.CliFiles;
import dev.cscs.cli.GlobalOptions;
import dev.cscs.cli.Printer;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.Jcs;
import dev.cscs.core.model.KeyPath;
import dev.cscs.core.model.Names;
import dev.cscs.core.model.Op;
import dev.cscs.core.yaml.YNode;
import dev.cscs.core.yaml.YamlReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "apply", mixinStandardHelpOptions = true, versionProvider = dev.cscs.cli.Version.class, sortOptions = false,
        description = {"Make a domain hold exactly what a policy file says, as one signed changeset.",
            "The file is diffed against the domain: new and changed keys become puts, keys the file does not",
            "name become deletes. --dry-run prints the diff and changes nothing. If the chain moves on",
            "meanwhile, it diffs again against the new head once."},
        footer = {"", "Example policy.yaml:",
            "  domain: factory-a",
            "  entries:",
            "    yum/epel: {name: EPEL, baseurl: \"https://mirror.example/epel/9/\",",
            "               enabled: true, gpgcheck: true}",
            "    sysctl/net.ipv4.ip_forward: {value: \"0\"}",
            "    service/telnet.socket: {state: masked}",
            "", "Examples:", "  cscs apply -f policy.yaml --sign-with ops.key --dry-run",
            "  cscs apply -f policy.yaml --sign-with ops.key --comment 'CIS baseline v3'"})
public final class ApplyCommand implements Runnable {
    @Option(names = {"-f", "--file"}, required = true, paramLabel = "POLICY.yaml", description = "The desired state of one domain.")
    Path file;

    @Option(names = "--sign-with", paramLabel = "KEY", description = "A private key to sign with (repeat); not needed with --dry-run.")
    List<Path> signWith = new ArrayList<>();

    @Option(names = "--dry-run", description = "Print the diff; change nothing.")
    boolean dryRun;

    @Option(names = "--comment", description = "Why; kept in the chain.")
    String comment;

    @Mixin
    GlobalOptions global;

    private record Policy(String domain, Map<String, JsonNode> entries) {
    }

    @Override
    public void run() {
        Policy policy = read();
        if (!dryRun && signWith.isEmpty()) {
            throw new CscsException(ErrorCode.USAGE, "give --sign-with KEY (or --dry-run to see the diff)");
        }
        Submitter s = new Submitter(global);
        Printer p = global.printer();
        if (dryRun) {
            List<Op> ops = diff(policy, s.api().get("/v1/kv/" + policy.domain()).path("values"));
            p.result(Printer.object().put("domain", policy.domain()).set("ops", opsJson(ops)), describe(policy, ops));
            return;
        }
        List<Op>[] applied = new List[1];
        JsonNode reply = s.submit(policy.domain(), head -> {
            applied[0] = diff(policy, s.api().get("/v1/kv/" + policy.domain()).path("values"));
            return applied[0];
        }, signWith, comment, "/v1/changesets");
        if (reply == null) {
            p.result(Printer.object().put("domain", policy.domain()).put("inSync", true), policy.domain() + " already matches " + file);
            return;
        }
        p.note(describe(policy, applied[0]));
        Submitter.printAccepted(p, reply);
    }

    private Policy read() {
        String text = new String(CliFiles.read(file, YamlReader.MAX_CHARS), StandardCharsets.UTF_8);
        YNode root = YamlReader.read(text, file.toString());
        if (!(root instanceof YNode.YMap)) {
            throw CscsException.malformed(root.where() + ": a policy file is a mapping with domain: and entries:");
        }
        YNode.YMap m = (YNode.YMap) root;
        for (String k : m.entries().keySet()) {
            if (!k.equals("domain") && !k.equals("entries")) {
                throw CscsException.malformed(m.keyPositions().get(k) + ": unknown key \"" + k + "\" (a policy file has domain: and entries:)");
            }
        }
        YNode d = m.entries().get("domain");
        if (!(d instanceof YNode.YScalar)) {
            throw CscsException.malformed(m.where() + ": domain: is required");
        }
        String domain = ((YNode.YScalar) d).text();
        try {
            Names.checkDomain(domain);
        } catch (CscsException e) {
            throw CscsException.malformed(d.where() + ": " + e.getMessage());
        }
        Map<String, JsonNode> entries = new TreeMap<>();
        YNode e = m.entries().get("entries");
        if (e != null && !(e instanceof YNode.YScalar && ((YNode.YScalar) e).isNull())) {
            if (!(e instanceof YNode.YMap)) {
                throw CscsException.malformed(e.where() + ": entries: must be a mapping of KEY: VALUE");
            }
            YNode.YMap em = (YNode.YMap) e;
            for (Map.Entry<String, YNode> x : em.entries().entrySet()) {
                try {
                    KeyPath.parse(x.getKey());
                    entries.put(x.getKey(), YamlReader.toJson(x.getValue()));
                } catch (CscsException ex) {
                    throw CscsException.malformed(em.keyPositions().get(x.getKey()) + ": " + x.getKey() + ": " + ex.getMessage());
                }
            }
        }
        return new Policy(domain, entries);
    }

    private static List<Op> diff(Policy policy, JsonNode current) {
        List<Op> ops = new ArrayList<>();
        policy.entries().forEach((key, value) -> {
            JsonNode now = current.path(key).get("value");
            if (now == null || !Jcs.canonicalString(now).equals(Jcs.canonicalString(value))) {
                ops.add(new Op.Put(key, value));
            }
        });
        for (Iterator<String> it = current.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!policy.entries().containsKey(key)) {
                ops.add(new Op.Delete(key));
            }
        }
        return ops;
    }

    private static String describe(Policy policy, List<Op> ops) {
        if (ops.isEmpty()) {
            return policy.domain() + ": in sync, nothing to change";
        }
        StringBuilder b = new StringBuilder(policy.domain() + ": " + ops.size() + " change(s)");
        for (Op op : ops) {
            b.append("\n  ").append(op instanceof Op.Put ? "+ " + op.key() + " = " + Jcs.canonicalString(((Op.Put) op).value())
                    : "- " + op.key());
        }
        return b.toString();
    }

    private static com.fasterxml.jackson.databind.node.ArrayNode opsJson(List<Op> ops) {
        com.fasterxml.jackson.databind.node.ArrayNode a = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        for (Op op : ops) {
            var o = a.addObject().put("op", op instanceof Op.Put ? "put" : "delete").put("key", op.key());
            if (op instanceof Op.Put) {
                o.set("value", ((Op.Put) op).value());
            }
        }
        return a;
    }
}
