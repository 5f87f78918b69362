package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cscs.cli.GlobalOptions;
import dev.cscs.cli.Version;
import dev.cscs.cli.http.ApiClient;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Names;
import dev.cscs.core.sse.SseParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "watch", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Stream changes as they are committed (Server-Sent Events), one line per changeset.",
            "Reconnects by itself, to the next of --endpoints when a node is down, and resumes after the last",
            "revision it printed. Ctrl-C stops it."},
        footer = {"", "Examples:", "  cscs watch                       # every domain",
            "  cscs watch factory-a --from 0     # replay the whole chain, then follow",
            "  cscs watch global -o json --count 1"})
public final class WatchCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(arity = "0..*", paramLabel = "DOMAIN")
    List<String> domains = new ArrayList<>();

    @Option(names = "--from", paramLabel = "REVISION", description = "Start after this revision (default: now).")
    Long from;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N changesets.")
    Integer count;

    @Mixin
    GlobalOptions global;

    private long printed;
    private long revision;

    @Override
    public Integer call() throws Exception {
        domains.forEach(Names::checkDomain);
        ApiClient api = new ApiClient(global);
        revision = from != null ? from : currentRevision(api);
        int rounds = 0;
        while (count == null || printed < count) {
            try {
                stream(api);
                rounds = 0;
            } catch (IOException | CscsException e) {
                if (e instanceof CscsException && ((CscsException) e).code() != ErrorCode.UNAVAILABLE) {
                    throw (CscsException) e;
                }
                String lost = api.base().toString();
                // the next endpoint at once; back off only once every endpoint has failed in a row
                boolean wrapped = api.next();
                if (wrapped && ++rounds > 10) {
                    throw new CscsException(ErrorCode.UNAVAILABLE, "lost the stream from every endpoint: " + e.getMessage());
                }
                global.printer().note("stream from " + lost + " interrupted (" + e.getMessage() + "); resuming from "
                        + api.base() + " after revision " + revision);
                if (wrapped) {
                    Thread.sleep(Math.min(5000, 200L << rounds));
                }
            }
        }
        return 0;
    }

    private long currentRevision(ApiClient api) {
        return api.get("/v1/changesets/_trust?limit=0").path("revision").asLong();
    }

    private void stream(ApiClient api) throws IOException, InterruptedException {
        String q = "/v1/watch?fromRevision=" + revision + (domains.isEmpty() ? "" : "&domains=" + String.join(",", domains));
        HttpRequest req = HttpRequest.newBuilder(api.uri(q)).header("Accept", "text/event-stream").GET().build();
        HttpResponse<InputStream> resp;
        try {
            resp = api.http().send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new CscsException(ErrorCode.UNAVAILABLE, "cannot reach " + api.base());
        }
        if (resp.statusCode() != 200) {
            ApiClient.decode(resp.statusCode(), resp.body().readAllBytes());
        }
        SseParser parser = new SseParser(this::print, 16 << 20);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                parser.line(line);
                if (count != null && printed >= count) {
                    return;
                }
            }
        }
        throw new IOException("the server closed the stream");
    }

    private void print(SseParser.Event e) {
        if (!List.of("changeset", "snapshot", "error").contains(e.type())) {
            // freshness records, and what later servers add: not changes
            return;
        }
        JsonNode data;
        try {
            data = JSON.readTree(e.data());
        } catch (IOException ex) {
            throw new CscsException(ErrorCode.INTERNAL, "unreadable event from the server");
        }
        if (e.type().equals("error")) {
            throw new CscsException(ErrorCode.fromCode(data.path("error").path("code").asText()),
                    data.path("error").path("message").asText());
        }
        List<JsonNode> changesets = new ArrayList<>();
        if (e.type().equals("snapshot")) {
            global.printer().note("history before revision " + revision + " was compacted; replaying the full chains");
            data.path("changesets").forEach(changesets::add);
        } else {
            changesets.add(data);
        }
        for (JsonNode c : changesets) {
            if (count != null && printed >= count) {
                return;
            }
            if (global.output() == GlobalOptions.Output.yaml) {
                System.out.println("---\n" + global.printer().structured(c));
            } else if (global.json()) {
                System.out.println(c.toString());
            } else {
                StringBuilder ops = new StringBuilder();
                for (JsonNode op : c.path("changeset").path("body").path("ops")) {
                    ops.append(' ').append(op.path("op").asText().equals("put") ? "+" : "-").append(op.path("key").asText());
                }
                System.out.println("rev " + c.path("revision").asLong() + "  " + c.path("domain").asText() + " seq "
                        + c.path("seq").asLong() + "  " + c.path("digest").asText().substring(7, 19) + " " + ops);
            }
            System.out.flush();
            printed++;
            revision = Math.max(revision, c.path("revision").asLong());
        }
    }
}
