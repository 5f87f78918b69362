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

/**
 * Decoding of everything a client sends, apart from the routes that use it, so that it can be
 * fuzzed on its own: it returns a value or throws a {@link CscsException}, nothing else.
 */
final class Requests {
    /** A join request: the token, the joining node's Raft address, and its proof of holding the token's key. */
    record JoinRequest(JoinToken token, String raft) {
    }

    private Requests() {
    }

    /** A submitted changeset, strictly parsed and schema-checked; {@code membership} for /v1/members. */
    static Changeset submission(byte[] body, Limits limits, ValueValidator validator, boolean membership) {
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

    /** {@code domains=a,b} of a watch; empty means every domain. */
    static Set<String> watchDomains(String param) {
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
