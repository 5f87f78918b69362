package dev.cscs.agent.applier;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.agent.os.CommandRunner;
import dev.cscs.core.json.StrictJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** Shared test helpers: JSON values, contexts, golden files. */
final class Support {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T16:00:00Z"), ZoneOffset.UTC);

    private Support() {
    }

    static JsonNode json(String text) {
        return StrictJson.parse(text.getBytes(StandardCharsets.UTF_8), 32, "test value");
    }

    static DesiredEntry entry(String domain, String name, String json) {
        return new DesiredEntry(domain, name, json(json));
    }

    static ApplyContext offline(Path root, CommandRunner runner) {
        return ApplyContext.builder(root).runner(runner).clock(CLOCK).live(false).build();
    }

    static ApplyContext offline(Path root) {
        return offline(root, new FakeRunner());
    }

    /** Plan, apply, verify, and check that a second plan is empty (idempotence). */
    static Applied converge(Applier applier, List<DesiredEntry> desired, ApplyContext ctx) {
        Plan plan = applier.plan(desired, ctx);
        Applied applied = applier.apply(plan, ctx);
        applier.verify(applied, ctx);
        Plan again = applier.plan(desired, ctx);
        assertThat(again.isEmpty()).as("second plan after apply: %s", again.summary()).isTrue();
        return applied;
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Asserts {@code actual} equals {@code golden/<name>} under this package's test resources.
     * Run with {@code -Dgolden.update=true} to rewrite the expected file after an intended change.
     */
    static void assertGolden(String name, String actual) {
        String resource = "golden/" + name;
        if (Boolean.getBoolean("golden.update")) {
            Path src = Path.of("src/test/resources/dev/cscs/agent/applier", resource);
            try {
                Files.createDirectories(src.getParent());
                Files.writeString(src, actual);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        try (InputStream in = Support.class.getResourceAsStream(resource)) {
            assertThat(in).as("golden file %s (create it with -Dgolden.update=true)", resource).isNotNull();
            assertThat(actual).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
