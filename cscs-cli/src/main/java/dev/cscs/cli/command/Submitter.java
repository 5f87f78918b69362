package dev.cscs.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.cli.GlobalOptions;
import dev.cscs.cli.Printer;
import dev.cscs.cli.http.ApiClient;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Head;
import dev.cscs.core.model.Op;
import dev.cscs.core.trust.Signing;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * Builds, signs and submits a changeset at the current head. When the chain moved on
 * meanwhile (409), it reads the new head, rebuilds the ops against it and tries once more.
 */
final class Submitter {
    private final GlobalOptions global;
    private final ApiClient api;

    Submitter(GlobalOptions global) {
        this.global = global;
        this.api = new ApiClient(global);
    }

    ApiClient api() {
        return api;
    }

    Head head(String domain) {
        JsonNode h = api.get("/v1/changesets/" + domain + "?fromSeq=0&limit=0").path("head");
        return new Head(h.path("seq").asLong(), Digest.parse(h.path("digest").asText()));
    }

    /** {@code opsAt} computes the ops against the current state; an empty list means nothing to do. */
    JsonNode submit(String domain, Function<Head, List<Op>> opsAt, List<Path> keyFiles, String comment, String path) {
        return submitWith(domain, opsAt, KeyArgs.signers(keyFiles, global), comment, path);
    }

    /** As {@link #submit}, with keys already read (one passphrase prompt for several domains). */
    JsonNode submitWith(String domain, Function<Head, List<Op>> opsAt, List<PrivateKeyRef> keys, String comment, String path) {
        for (int attempt = 0; ; attempt++) {
            Head head = head(domain);
            List<Op> ops = opsAt.apply(head);
            if (ops.isEmpty()) {
                return null;
            }
            Changeset cs = Signing.unsigned(domain, head.seq() + 1, head.digest(), Instant.now(), ops, comment);
            for (PrivateKeyRef k : keys) {
                cs = Signing.sign(cs, k, null);
            }
            try {
                return api.post(path, ChangesetCodec.toCompactJson(cs));
            } catch (CscsException e) {
                if (!isConflict(e)) {
                    throw e;
                }
                if (attempt >= 1) {
                    throw new CscsException(e.code(), e.getMessage() + "; the chain moved on again while this command "
                            + "rebased onto it (others are writing to " + domain + "): run the command again");
                }
                global.printer().note("the chain moved on (" + e.getMessage() + "); rebasing once");
            }
        }
    }

    /** The chain moved on since the changeset was made: its seq or prev no longer fits the head. */
    static boolean isConflict(CscsException e) {
        return e.code() == ErrorCode.WRONG_SEQ || e.code() == ErrorCode.WRONG_PREV;
    }

    static void printAccepted(Printer p, JsonNode reply) {
        p.result(reply, accepted(reply));
    }

    static String accepted(JsonNode reply) {
        return "accepted: " + reply.path("domain").asText() + " seq " + reply.path("seq").asLong() + " at revision "
                + reply.path("revision").asLong() + " (" + reply.path("digest").asText() + ")";
    }
}
