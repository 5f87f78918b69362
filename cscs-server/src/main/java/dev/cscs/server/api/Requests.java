package dev.cscs.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.crypto.SignatureAlg;
import dev.cscs.core.crypto.Signer;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.Limits;
import dev.cscs.core.json.StrictJson;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.JsonFields;
import dev.cscs.core.model.Names;
import dev.cscs.core.model.Op;
import dev.cscs.core.model.Signature;
import dev.cscs.core.trust.JoinToken;
import dev.cscs.store.ValueValidator;
import dev.cscs.store.raft.HostPort;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decoding of everything a client sends, apart from the routes that use it, so that it can be
 * fuzzed on its own: it returns a value or throws a {@link CscsException}, nothing else.
 * Decoding is a function of the client's bytes alone, so whatever else a decoder throws
 * (a library's IllegalArgumentException on a crafted key, say) is caused by the input too:
 * {@link #decoding} turns it into a 400 that names the request, never into a 500, and logs it
 * as the decoder's bug (a check that should have named what is wrong).
 */
final class Requests {
    private static final Logger LOG = LoggerFactory.getLogger(Requests.class);

    /** A join request: the token, the joining node's Raft address, and its proof of holding the token's key. */
    record JoinRequest(JoinToken token, String raft) {
    }

    /** A status report: the reporting node, its report, and its signature over it (absent from unsigned reporters). */
    record StatusReport(String node, JsonNode report, Signature signature) {
    }

    private Requests() {
    }

    /**
     * Runs a decoder of client input: a typed rejection passes; any other exception is a decoder
     * that failed to say what is wrong, a bug to fix, so it is logged loudly, and the client gets a
     * fixed {@code malformed} that names the request and nothing of the decoder's internals.
     */
    private static <T> T decoding(String what, Supplier<T> decoder) {
        try {
            return decoder.get();
        } catch (CscsException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warn("{} could not be decoded: an untyped failure of the decoder", what, e);
            throw CscsException.malformed(what + " could not be decoded");
        }
    }

    /** A submitted changeset, strictly parsed and schema-checked; {@code membership} for /v1/members. */
    static Changeset submission(byte[] body, Limits limits, ValueValidator validator, boolean membership) {
        return decoding("the changeset", () -> checkedSubmission(body, limits, validator, membership));
    }

    private static Changeset checkedSubmission(byte[] body, Limits limits, ValueValidator validator, boolean membership) {
        Changeset cs = ChangesetCodec.parse(body, limits);
        String domain = cs.body().domain();
        if (membership != Names.NODES.equals(domain)) {
            throw CscsException.malformed(membership ? "/v1/members takes a changeset of the _nodes registry"
                    : "membership changes go to /v1/members");
        }
        if (!Names.TRUST.equals(domain) && !Names.NODES.equals(domain)) {
            for (Op op : cs.body().ops()) {
                if (op instanceof Op.Put) {
                    validator.validate(domain, op.key(), ((Op.Put) op).value());
                }
            }
        }
        return cs;
    }

    static JoinRequest join(byte[] body) {
        return decoding("the join request", () -> checkedJoin(body));
    }

    private static JoinRequest checkedJoin(byte[] body) {
        JsonNode req = StrictJson.parse(body, 12, "join request");
        JsonFields.object(req, "$", Set.of("token", "raft", "proof"), Set.of());
        JoinToken token = JoinToken.fromTree(req.get("token"));
        String r = JsonFields.text(req, "raft", "$");
        String raft = r.isEmpty() ? r : HostPort.parse(r).toString();
        JsonNode p = JsonFields.object(req.get("proof"), "$.proof", Set.of("keyid", "alg", "sig"), Set.of());
        Signature proof = new Signature(JsonFields.text(p, "keyid", "$.proof"), SignatureAlg.fromWire(JsonFields.text(p, "alg", "$.proof")),
                JsonFields.text(p, "sig", "$.proof"));
        if (!proof.keyid().equals(token.key().keyid()) || proof.alg() != token.keyAlg()
                || !Signer.verify(token.key(), proof.alg(), JoinProof.payload(token.id(), raft), proof.bytes())) {
            throw new CscsException(ErrorCode.BAD_TOKEN, "the join request for " + token.node()
                    + " is not signed by the token's key (a stolen token is useless without the node's key)");
        }
        return new JoinRequest(token, raft);
    }

    /** A status report: the node named outside and inside must agree; the signature is checked against the node's key later. */
    static StatusReport statusReport(byte[] bytes) {
        return decoding("the status report", () -> {
            JsonNode body = StrictJson.parse(bytes, 24, "status report");
            JsonFields.object(body, "$", Set.of("node", "report"), Set.of("signature"));
            String node = Names.checkNodeId(JsonFields.text(body, "node", "$"));
            if (!node.equals(body.path("report").path("node").asText())) {
                throw CscsException.malformed("the report inside is for " + Names.shown(body.path("report").path("node").asText())
                        + ", not " + node);
            }
            Signature sig = null;
            if (body.has("signature")) {
                JsonNode s = JsonFields.object(body.get("signature"), "$.signature", Set.of("keyid", "alg", "sig"), Set.of());
                sig = new Signature(JsonFields.text(s, "keyid", "$.signature"),
                        SignatureAlg.fromWire(JsonFields.text(s, "alg", "$.signature")), JsonFields.text(s, "sig", "$.signature"));
            }
            return new StatusReport(node, body.get("report"), sig);
        });
    }

    /** {@code domains=a,b} of a watch; empty means every domain. */
    static Set<String> watchDomains(String param) {
        return decoding("the watch's domains", () -> checkedWatchDomains(param));
    }

    private static Set<String> checkedWatchDomains(String param) {
        Set<String> domains = new LinkedHashSet<>();
        if (param != null && !param.isBlank()) {
            for (String name : param.split(",", 1000)) {
                String n = name.trim();
                if (!Names.RESERVED.contains(n)) {
                    Names.checkDomain(n);
                }
                domains.add(n);
            }
        }
        return domains;
    }

    /** Where a watch resumes: {@code Last-Event-ID} wins over {@code fromRevision}; 0 by default. */
    static long watchFrom(String lastEventId, String fromRevision) {
        String v = lastEventId != null && !lastEventId.isBlank() ? lastEventId : fromRevision;
        if (v == null || v.isBlank()) {
            return 0;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < 0) {
                throw CscsException.malformed("fromRevision must be 0 or more");
            }
            return n;
        } catch (NumberFormatException e) {
            throw CscsException.malformed("fromRevision \"" + Names.shown(v) + "\" is not a number");
        }
    }
}
