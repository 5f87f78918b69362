package dev.cscs.dist.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.cli.CliRun;
import dev.cscs.dist.LocalProcesses;
import dev.cscs.dist.Main;
import dev.cscs.dist.ProcessCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two ways the operator guide gives to open the dashboard, in Chromium: over TLS with the
 * client certificate that {@code cscs ca issue --client --p12} wrote, and through
 * {@code api.localListen}. A browser without the certificate gets no page over TLS.
 */
class DashboardTlsBrowserIT {
    @TempDir
    Path dir;

    @Test
    void theP12FromCaIssueOpensTheDashboardOverTlsAndNoCertificateOpensNothing() throws Exception {
        Browsers.require();
        cli("ca", "init", "--out", dir.resolve("ca").toString(), "--no-passphrase");
        cli("ca", "issue", "n1", "--ip", "127.0.0.1", "--ca", dir.resolve("ca").toString(), "--out", dir.resolve("n1-tls").toString());
        Path pass = Files.writeString(dir.resolve("p12-pass"), "correct horse battery\n", StandardCharsets.UTF_8);
        cli("ca", "issue", "alice", "--client", "--p12", "--p12-passphrase-file", pass.toString(), "--ca",
                dir.resolve("ca").toString(), "--out", dir.resolve("alice").toString());
        int tlsPort = LocalProcesses.freePort();
        try (ProcessCluster cluster = new ProcessCluster(dir, Path.of("target/cscs.jar"), 1, "")) {
            // the harness's own reads go to localListen (plain, loopback); the browser comes over TLS as well
            cluster.amend("n1", "api: {listen: ", "api: {listen: 127.0.0.1:" + tlsPort + ", localListen: ");
            cluster.amend("n1", "insecure: true", "tls: {ca: " + dir.resolve("ca/ca.pem") + ", cert: " + dir.resolve("n1-tls.pem")
                    + ", key: " + dir.resolve("n1-tls.key") + "}");
            cluster.startAll();
            Process node = Browsers.start("dashboard-tls.mjs", Map.of(
                    "CSCS_UI_TLS_URL", "https://127.0.0.1:" + tlsPort + "/ui/",
                    "CSCS_UI_LOCAL_URL", cluster.url("n1") + "/ui/",
                    "CSCS_UI_P12", dir.resolve("alice.p12").toString(),
                    "CSCS_UI_P12_PASS", "correct horse battery"), Duration.ofMinutes(2));
            String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            System.out.println(out);
            assertThat(node.waitFor()).as(out).isZero();
            assertThat(out.strip()).as(out).endsWith("passed");
        }
    }

    private static void cli(String... args) {
        CliRun r = CliRun.run(Main::commandLine, args);
        assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isZero();
    }
}
