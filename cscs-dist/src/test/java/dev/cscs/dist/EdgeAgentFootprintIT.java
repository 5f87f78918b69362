package dev.cscs.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.model.Head;
import dev.cscs.core.testing.Eventually;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An edge device runs no server: {@code cscs agent} loads no class of Ratis, gRPC, Netty,
 * Jetty or Javalin while it streams, verifies and applies a change, whether it runs from
 * {@code cscs.jar} (which holds them) or from the slim {@code cscs-agent.jar} (which must not);
 * nor does it build what only other verbs need.
 */
class EdgeAgentFootprintIT {
    /** Ratis's shaded gRPC and Netty are under org.apache.ratis.thirdparty. */
    private static final Pattern SERVER_LIBRARY = Pattern.compile("^(org\\.apache\\.ratis|io\\.grpc|io\\.netty|org\\.eclipse\\.jetty|io\\.javalin)\\.");
    private static final Pattern LOADED = Pattern.compile("\\[class,load\\] (\\S+) source: ");

    @TempDir
    Path dir;

    @Test
    void theSlimAgentJarHoldsNoServerLibrary() throws IOException {
        List<String> found = new ArrayList<>();
        try (ZipFile z = new ZipFile("target/cscs-agent.jar")) {
            Collections.list(z.entries()).forEach(e -> {
                String name = e.getName().replace('/', '.');
                if (name.endsWith(".class") && SERVER_LIBRARY.matcher(name.replaceFirst("^META-INF\\.versions\\.\\d+\\.", "")).find()) {
                    found.add(e.getName());
                }
            });
        }
        assertThat(found).as("server library classes in cscs-agent.jar").isEmpty();
    }

    @Test
    void anEdgeAgentAppliesAChangeWithoutLoadingAnyServerLibrary() throws Exception {
        try (ProcessCluster c = new ProcessCluster(dir, Path.of("target/cscs.jar"), 1, "")) {
            c.startAll();
            Path fatLog = dir.resolve("fat-classes.txt");
            Path slimLog = dir.resolve("slim-classes.txt");
            List<Process> agents = List.of(
                    agent(c, "d1", "target/cscs.jar", fatLog),
                    agent(c, "d2", "target/cscs-agent.jar", slimLog));
            try {
                Head head = c.awaitHead("n1");
                ProcessCluster.Response r = c.put("n1", head, "sysctl/net.ipv4.ip_forward", "{\"value\":\"0\"}");
                assertThat(r.status()).as(r.body().toString()).isEqualTo(201);
                for (String id : List.of("d1", "d2")) {
                    Path applied = c.root(id).resolve("etc/sysctl.d/90-cscs.conf");
                    Eventually.await(id + " applies the change", ProcessCluster.DEADLINE,
                            () -> Files.exists(applied) && read(applied).contains("net.ipv4.ip_forward = 0"));
                }
            } finally {
                LocalProcesses.stopAll(agents, 10);
            }
            for (Path log : List.of(fatLog, slimLog)) {
                List<String> loaded = loaded(log);
                assertThat(loaded).as(log + ": the edge daemon ran").contains("dev.cscs.server.EdgeDaemon");
                assertThat(loaded.stream().filter(n -> SERVER_LIBRARY.matcher(n).find()))
                        .as(log + ": classes of a server library").isEmpty();
                // its key is not encrypted: BouncyCastle's JCA provider (1,800 services, 200+ classes) is never built
                assertThat(loaded.stream().filter(n -> n.startsWith("org.bouncycastle.jcajce.provider.") && n.contains("$Mappings")))
                        .as(log + ": algorithms of BouncyCastle's JCA provider").isEmpty();
            }
        }
    }

    private Process agent(ProcessCluster c, String id, String jar, Path classLog) throws IOException {
        return new ProcessBuilder("java", "-Xlog:class+load=info:file=" + classLog, "-jar", jar, "agent",
                "--config", c.edgeConfig(id).toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(id + ".out").toFile())).start();
    }

    private static List<String> loaded(Path classLog) throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(classLog)) {
            Matcher m = LOADED.matcher(line);
            if (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return "";
        }
    }
}
