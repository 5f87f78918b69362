package dev.cscs.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.core.testing.Eventually;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /ui/}: the dashboard's files and nothing else, each under a policy that lets the page
 * load and run only what this node serves. What the pages do is DashboardBrowserIT's, in Chromium.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardFilesIT {
    private static final Path SOURCES = Path.of("src/main/resources/dev/cscs/server/api/ui");
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private LocalCluster cluster;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        cluster = new LocalCluster(dir, 1);
        Eventually.await("a leader", Duration.ofSeconds(30), () -> cluster.get("n1", "/readyz").status() == 200);
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(cluster.url("n1") + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyFileOfTheSourceTreeIsServedWithItsTypeAndThePolicy() throws Exception {
        Set<String> files = new TreeSet<>();
        try (Stream<Path> list = Files.list(SOURCES)) {
            list.forEach(p -> files.add(p.getFileName().toString()));
        }
        assertThat(files).contains("index.html", "app.js");
        for (String f : files) {
            HttpResponse<String> r = get("/ui/" + f);
            assertThat(r.statusCode()).as(f).isEqualTo(200);
            assertThat(r.body()).as(f).isEqualTo(Files.readString(SOURCES.resolve(f)));
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(f).hasValueSatisfying(p ->
                    assertThat(p).contains("default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'")
                            .doesNotContain("unsafe"));
            assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(r.headers().firstValue("Content-Type").orElse("")).as(f)
                    .startsWith(f.endsWith(".js") ? "text/javascript" : f.endsWith(".css") ? "text/css"
                            : f.endsWith(".svg") ? "image/svg+xml" : "text/html");
        }
    }

    @Test
    void theSlashlessPathRedirectsAndTheRootIsThePage() throws Exception {
        HttpResponse<String> bare = get("/ui");
        assertThat(bare.statusCode()).isEqualTo(302);
        assertThat(bare.headers().firstValue("Location")).hasValue("/ui/");
        assertThat(get("/ui/").body()).isEqualTo(Files.readString(SOURCES.resolve("index.html")));
    }

    @Test
    void aNameThatIsNotADashboardFileIsNotFoundEvenWhenItNamesAClassPathResource() throws Exception {
        for (String path : List.of("/ui/openapi.json", "/ui/..%2Fopenapi.json", "/ui/%2e%2e/api/openapi.json",
                "/ui/UiRoutes.class", "/ui/logback.xml", "/ui/nothing.js")) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isIn(400, 404);
            assertThat(r.body()).as(path).doesNotContain("\"paths\"").doesNotContain("<configuration");
        }
    }

    @Test
    void thePageLoadsNoScriptOrStyleFromAnotherOriginAndRunsNoInlineScript() throws Exception {
        String page = get("/ui/").body();
        assertThat(page).doesNotContain("http://", "https://", "<script>", "style=\"", "onclick=");
        for (String f : List.of("app.js", "api.js", "dom.js", "cluster.js", "domains.js", "history.js", "fleet.js", "alerts.js", "audit.js", "health.js")) {
            // the one URL allowed is the SVG namespace, a name that is never fetched
            assertThat(get("/ui/" + f).body().replace("http://www.w3.org/2000/svg", "")).as(f).doesNotContain("innerHTML", "insertAdjacentHTML", "eval(", "new Function", "http://", "https://");
        }
    }
}
