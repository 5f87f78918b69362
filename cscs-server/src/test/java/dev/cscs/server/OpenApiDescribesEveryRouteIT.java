package dev.cscs.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.StrictJson;
import dev.cscs.core.testing.Eventually;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /v1/openapi.json describes exactly the routes the node registers, and the one error shape with every code. */
class OpenApiDescribesEveryRouteIT {
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    @Test
    void theDescriptionsPathsAndMethodsAreExactlyTheRegisteredRoutes(@TempDir Path dir) throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 1)) {
            Eventually.await("a leader", Duration.ofSeconds(30), () -> cluster.get("n1", "/readyz").status() == 200);
            LocalCluster.Response r = cluster.get("n1", "/v1/openapi.json");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body().path("openapi").asText()).startsWith("3.");
            // the file itself, strictly: a duplicate path or method, which a lenient reader merges, fails here
            byte[] file;
            try (InputStream in = getClass().getResourceAsStream("/dev/cscs/server/api/openapi.json")) {
                file = in.readAllBytes();
            }
            JsonNode doc = StrictJson.parse(file, 64, "openapi.json");
            assertThat(doc.toString()).as("what the node serves is the file").isEqualTo(r.body().toString());
            assertThat(doc.path("openapi").asText()).startsWith("3.");
            assertThat(doc.path("paths").isObject()).isTrue();

            Set<String> described = new TreeSet<>();
            for (Iterator<String> paths = doc.path("paths").fieldNames(); paths.hasNext(); ) {
                String path = paths.next();
                for (Iterator<String> ms = doc.path("paths").path(path).fieldNames(); ms.hasNext(); ) {
                    String m = ms.next();
                    if (METHODS.contains(m)) {
                        described.add(m.toUpperCase(Locale.ROOT) + " " + path);
                    }
                }
            }
            // Javalin writes path parameters as {name}, as OpenAPI does
            Set<String> registered = new TreeSet<>(cluster.daemon("n1").apiRoutes());
            assertThat(registered).hasSizeGreaterThan(10);
            assertThat(described).isEqualTo(registered);

            List<String> codes = new ArrayList<>();
            doc.at("/components/schemas/Error/properties/error/properties/code/enum").forEach(c -> codes.add(c.asText()));
            assertThat(codes).containsExactlyInAnyOrderElementsOf(
                    Arrays.stream(ErrorCode.values()).map(ErrorCode::code).collect(Collectors.toList()));
        }
    }
}
