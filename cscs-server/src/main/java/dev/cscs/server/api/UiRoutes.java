package dev.cscs.server.api;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Names;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /ui/}: the read-only dashboard, a fixed set of static files from the jar, read once at
 * start. The page only reads the API of the node that serves it, so the policy below lets it
 * load nothing from anywhere else and run no inline script; a name not in {@link #FILES} is a
 * 404, so no request path ever reaches the class path.
 */
final class UiRoutes {
    /** Every file of {@code src/main/resources/dev/cscs/server/api/ui/}; a test keeps the two equal. */
    static final List<String> FILES = List.of("index.html", "app.css", "app.js", "api.js", "dom.js", "health.js",
            "cluster.js", "domains.js", "history.js", "fleet.js", "alerts.js", "audit.js", "favicon.svg");
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private final Map<String, byte[]> files = new LinkedHashMap<>();

    UiRoutes() {
        for (String name : FILES) {
            files.put(name, load(name));
        }
    }

    void register(Javalin app) {
        // Javalin matches /ui and /ui/ alike; the page's relative links need the slash
        app.get("/ui/", ctx -> {
            if (ctx.path().endsWith("/")) {
                send(ctx, "index.html");
            } else {
                ctx.redirect("/ui/");
            }
        });
        app.get("/ui/{file}", ctx -> send(ctx, ctx.pathParam("file")));
    }

    private void send(Context ctx, String name) {
        byte[] body = files.get(name);
        if (body == null) {
            throw new CscsException(ErrorCode.NOT_FOUND, "the dashboard has no file " + Names.shown(name) + " (it has " + String.join(", ", FILES) + ")");
        }
        ctx.header("Content-Security-Policy", POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("Cache-Control", "no-cache")
                .contentType(contentType(name))
                .result(body);
    }

    static String contentType(String name) {
        String ext = name.substring(name.lastIndexOf('.') + 1);
        return switch (ext) {
            case "html" -> "text/html; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            case "svg" -> "image/svg+xml";
            default -> throw new IllegalStateException("no content type for " + name);
        };
    }

    private static byte[] load(String name) {
        try (InputStream in = UiRoutes.class.getResourceAsStream("ui/" + name)) {
            if (in == null) {
                throw new CscsException(ErrorCode.INTERNAL, "the jar has no dashboard file ui/" + name + " beside " + UiRoutes.class.getName());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
