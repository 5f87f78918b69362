package dev.cscs.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cscs.agent.status.StatusReport;
import dev.cscs.core.model.Labels;
import dev.cscs.core.testing.Chains;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * One agent on a temp root, offline ({@code live=false}), with real appliers, a scripted
 * runner, the {@link TestSource} as its feed and virtual time (its monotonic clock too). {@link #restart} keeps the
 * root and the state dir, as a reboot would.
 */
final class Harness implements AutoCloseable {
    static final String YUM = "{\"name\": \"EPEL\", \"baseurl\": \"https://mirror.example/epel/9/\", \"gpgcheck\": true}";
    private static final ObjectMapper JSON = new ObjectMapper();
    final Path root;
    final Path state;
    final ManualScheduler scheduler = new ManualScheduler();
    final ScriptedRunner runner = new ScriptedRunner();
    final List<StatusReport> sent = new ArrayList<>();
    AgentConfig config;
    TestSource source = new TestSource();
    /** The labels the node was provisioned with (its join token's). */
    Labels labels = Labels.NONE;
    Agent agent;

    Harness(Path tmp) {
        this.root = tmp.resolve("root");
        this.state = tmp.resolve("state");
        this.config = AgentConfig.defaults("n1", List.of("global", "factory-a"), root, state)
                .withTimings(Duration.ofSeconds(60), Duration.ofMillis(50), Duration.ofSeconds(2), Duration.ofSeconds(30));
    }

    Harness configure(UnaryOperator<AgentConfig> change) {
        config = change.apply(config);
        return this;
    }

    Harness start() {
        agent = Agent.builder(config).genesis(Chains.genesis(), null).feed(source).statusSink(sent::add)
                .labels(labels).runner(runner).clock(scheduler.clock).scheduler(scheduler)
                .nanos(() -> Duration.between(Instant.EPOCH, scheduler.clock.instant()).toNanos()).build();
        agent.start();
        return this;
    }

    /** Closes the agent and starts a new one on the same root and state dir, fed by {@code next}. */
    Harness restart(TestSource next) {
        agent.close();
        source = next;
        return start();
    }

    /** Lets the quiet period pass (not the periodic reconcile) and returns the latest report. */
    StatusReport settle() {
        scheduler.advance(Duration.ofSeconds(3));
        return agent.lastStatus().orElseThrow();
    }

    Path file(String relative) {
        return root.resolve(relative);
    }

    String read(String relative) {
        try {
            return Files.readString(file(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<JsonNode> audit() {
        Path log = config.auditLog();
        if (!Files.exists(log)) {
            return List.of();
        }
        try (Stream<String> lines = Files.lines(log)) {
            return lines.map(l -> {
                try {
                    return JSON.readTree(l);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<JsonNode> audit(String event) {
        return audit().stream().filter(l -> l.get("event").asText().equals(event)).toList();
    }

    /** Every regular file and link under {@code dir}, relative to it. */
    static List<String> tree(Path dir) {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> dir.relativize(p).toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (agent != null) {
            agent.close();
        }
    }
}
