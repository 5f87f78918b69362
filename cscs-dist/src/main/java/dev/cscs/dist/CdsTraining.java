package dev.cscs.dist;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Op;
import dev.cscs.core.trust.PolicyBuilder;
import dev.cscs.core.trust.Signing;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The training run of the CLI's class-data archive: {@code java -XX:ArchiveClassesAtExit=cscs.jsa
 * -cp cscs.jar dev.cscs.dist.CdsTraining} (the launcher's {@code CSCS_CDS_DUMP}, run by the .deb's
 * postinst and by {@code ./cscs} after a build). It runs, in one JVM, what most verbs load: the
 * command line with every verb's help, key generation, and an offline {@code verify} of a signed
 * changeset (JSON, JCS, signatures, the trust policy). The JVM then archives every class it
 * loaded, so a later {@code cscs VERB} maps them instead of parsing and verifying them again.
 */
public final class CdsTraining {
    private CdsTraining() {
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, "UTF-8");
        Path dir = Files.createTempDirectory("cscs-cds");
        List<String> failed;
        try {
            System.setOut(quiet);
            System.setErr(quiet);
            failed = train(dir);
        } finally {
            System.setOut(out);
            System.setErr(err);
            deleteTree(dir);
        }
        if (!failed.isEmpty()) {
            // an archive of a partial run still helps; say so rather than fail the install
            err.println("cscs: in the class-data training run, these verbs failed: " + failed);
        }
    }

    private static List<String> train(Path dir) throws IOException {
        List<String> failed = new ArrayList<>();
        run(failed, "--version");
        run(failed, "--help");
        for (String verb : Main.commandLine().getSubcommands().keySet()) {
            run(failed, verb, "--help");
        }
        PrivateKeyRef root = KeyGen.generate("ed25519");
        PrivateKeyRef signer = KeyGen.generate("ed25519");
        Changeset genesis = Signing.genesis(new PolicyBuilder().roots(1, List.of(root.publicKey()))
                .operators(1, List.of(root.publicKey())).domain("global", 1, List.of(signer.publicKey()), null).build(),
                Instant.now(), List.of(root), "cds training");
        Path g = Files.write(dir.resolve("genesis.json"), ChangesetCodec.toPrettyJson(genesis));
        Changeset cs = Signing.sign(Signing.unsigned("global", 1, ChangesetCodec.digest(genesis.body()), Instant.now(),
                List.of(new Op.Put("sysctl/net.ipv4.ip_forward", JsonNodeFactory.instance.objectNode().put("value", "0"))), null),
                signer, null);
        Path c = Files.write(dir.resolve("cs.json"), ChangesetCodec.toPrettyJson(cs));
        run(failed, "verify", c.toString(), "--genesis", g.toString());
        run(failed, "keygen", "--out", dir.resolve("k").toString(), "--no-passphrase");
        return failed;
    }

    private static void run(List<String> failed, String... args) {
        if (Main.commandLine().execute(args) != 0) {
            failed.add(String.join(" ", args));
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
