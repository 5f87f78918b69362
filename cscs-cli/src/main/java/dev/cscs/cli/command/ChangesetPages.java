package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.cli.http.ApiClient;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.util.ArrayList;
import java.util.List;

/**
 * A domain's stored changesets as a node lists them ({@code GET /v1/changesets/{domain}}), page
 * by page. Each entry must be the seq asked for next (1, 2, …), so a node that ignores
 * {@code fromSeq}, repeats a page or skips a seq is refused at once instead of being read
 * forever. What the entries say is not trusted here: {@link ClientAudit} verifies them.
 */
final class ChangesetPages {
    static final int PAGE = 1000;

    /**
     * What the node listed: its head and revision as of the first page, and the entries of at
     * most {@code upToRevision}, in seq order from 1.
     */
    record Listed(JsonNode head, long revision, List<JsonNode> entries) {
    }

    private ChangesetPages() {
    }

    static Listed fetch(ApiClient api, String domain, long upToRevision) {
        List<JsonNode> entries = new ArrayList<>();
        JsonNode first = null;
        long next = 1;
        while (true) {
            JsonNode page = api.get("/v1/changesets/" + domain + "?fromSeq=" + next + "&limit=" + PAGE);
            first = first == null ? page : first;
            JsonNode list = page.path("changesets");
            for (JsonNode s : list) {
                if (s.path("seq").asLong() != next) {
                    throw new CscsException(ErrorCode.MALFORMED, "the node listed " + domain + " seq " + s.path("seq").asLong()
                            + " where seq " + next + " comes next");
                }
                next++;
                if (s.path("revision").asLong() <= upToRevision) {
                    entries.add(s);
                }
            }
            if (list.size() < PAGE) {
                return new Listed(first.path("head"), first.path("revision").asLong(), entries);
            }
        }
    }
}
