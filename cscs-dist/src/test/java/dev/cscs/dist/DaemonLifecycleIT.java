package dev.cscs.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon as an operator meets it: a broken config file is a precise error, SIGTERM a clean stop. */
class DaemonLifecycleIT {
    @TempDir
    Path dir;

    private Process cscs(String... args) throws Exception {
        String[] argv = new String[args.length + 3];
        argv[0] = "java";
        argv[1] = "-jar";
        argv[2] = "target/cscs.jar";
        System.arraycopy(args, 0, argv, 3, args.length);
        return new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile()).start();
    }

    @Test
    void aBrokenConfigFileGetsTheLineTheKeyAndWhyAndNoStackTrace() throws Exception {
        Path cfg = dir.resolve("cscsd.yaml");
        Files.writeString(cfg, "node: {id: n1}\nraft:\n  listen: 127.0.0.1:7401\n  peers: [n1-127.0.0.1:7401]\n"
                + "trust: {genesis: /nonexistent}\ninsecure: true\n");
        Process p = cscs("server", "--config", cfg.toString());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(dir.resolve("out.txt"));
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(out).contains("bad-config").contains("cscsd.yaml:4:").contains("raft.peers[0]").contains("is not id@host:port")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void sigtermStopsTheNodeCleanly() throws Exception {
        try (ProcessCluster c = new ProcessCluster(dir, Path.of("target/cscs.jar"), 1, "")) {
            c.startAll();
            c.close();
            assertThat(c.log("n1")).contains("stopping node n1").contains("node n1 stopped cleanly").doesNotContain("\tat ");
        }
    }
}
