package dev.cscs.store.raft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Names;
import java.io.IOException;

/**
 * The answer to an accepted submission (HTTP 201): where it landed. It crosses from the state
 * machine to the node that proposed the entry as one line, {@code REVISION DOMAIN SEQ DIGEST}
 * (neither a domain name nor a digest holds a space); the answer to any other entry is its
 * {@code REVISION} alone. A JSON tree built to be read back at once cost more than the rest.
 * A leader of the version before answers with that JSON object, still read here, so that nodes
 * upgraded before their leader keep taking writes.
 */
public record SubmitReply(long revision, String domain, long seq, Digest digest) {
    private static final ObjectMapper JSON = new ObjectMapper();

    String encode() {
        return revision + " " + domain + " " + seq + " " + digest;
    }

    static SubmitReply decode(String reply) {
        if (reply.startsWith("{")) {
            JsonNode j = legacy(reply);
            return decode(j.path("revision").asText() + " " + j.path("domain").asText() + " " + j.path("seq").asText() + " "
                    + j.path("digest").asText());
        }
        String[] f = reply.split(" ", -1);
        if (f.length != 4) {
            throw unreadable(reply);
        }
        try {
            return new SubmitReply(Long.parseLong(f[0]), f[1], Long.parseLong(f[2]), Digest.parse(f[3]));
        } catch (NumberFormatException | CscsException e) {
            throw unreadable(reply);
        }
    }

    /** The revision an entry was applied at: the first field of any answer. */
    static long revisionOf(String reply) {
        if (reply.startsWith("{")) {
            return revisionOf(legacy(reply).path("revision").asText());
        }
        int space = reply.indexOf(' ');
        try {
            return Long.parseLong(space < 0 ? reply : reply.substring(0, space));
        } catch (NumberFormatException e) {
            throw unreadable(reply);
        }
    }

    private static JsonNode legacy(String reply) {
        try {
            return JSON.readTree(reply);
        } catch (IOException e) {
            throw unreadable(reply);
        }
    }

    private static CscsException unreadable(String reply) {
        return new CscsException(ErrorCode.INTERNAL, "unreadable state machine reply " + Names.shown(reply));
    }
}
