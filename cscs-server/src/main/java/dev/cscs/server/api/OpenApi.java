package dev.cscs.server.api;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /v1/openapi.json}: the OpenAPI 3.0 description of this API, a static file kept
 * beside the routes. A test compares its paths and methods with the routes the server
 * registers, so a route cannot be added without being described.
 */
final class OpenApi {
    static final String RESOURCE = "openapi.json";

    private OpenApi() {
    }

    static void register(Javalin app) {
        byte[] doc = load();
        app.get("/v1/openapi.json", ctx -> ctx.contentType("application/json").result(doc));
    }

    static byte[] load() {
        try (InputStream in = OpenApi.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new CscsException(ErrorCode.INTERNAL, "the jar has no " + RESOURCE + " beside " + OpenApi.class.getName());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
