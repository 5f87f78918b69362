package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.crypto.KeyFiles;
import dev.cscs.core.crypto.PublicKeyRef;
import dev.cscs.core.crypto.SignatureAlg;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cscs member key}: registers a node's own key in its {@code _nodes} record, signed by operators. */
@Command(name = "key", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Register a node's own key (its TLS key) in its _nodes record, signed by operators.",
            "From then on its status reports must be signed by that key. A voter or replica with a",
            "registered key signs the freshness records, when it leads, that devices check to tell a",
            "frozen or withholding server (agent.maxStaleness); devices trust no other key for them.",
            "Check the key against the node itself: the record is what every device will believe."},
        footer = {"", "Examples:", "  cscs member key n1 --from pki/n1.pem --sign-with operator.key",
            "  openssl x509 -in /etc/cscs/tls/node.pem -pubkey -noout > n1.pub   # on n1",
            "  cscs member key n1 --from n1.pub --sign-with operator.key"})
final class MemberKey extends MemberCommand.Change {
    @Option(names = "--from", required = true, paramLabel = "FILE",
            description = "The node's certificate, or its public key (PEM or DER).")
    Path from;

    private PublicKeyRef key;

    @Override
    ObjectNode record(JsonNode current, JsonNode known) {
        key = KeyFiles.readPublic(from);
        ObjectNode o = base(current, known);
        o.putObject("key").put("alg", SignatureAlg.defaultFor(key.type()).wireName()).put("spki", key.spkiBase64());
        return o;
    }

    @Override
    String afterwards() {
        return node + "'s reports must now be signed by key " + key.keyid().substring(0, 12) + "…; as a voter or replica it "
                + "signs freshness records when it leads";
    }
}
