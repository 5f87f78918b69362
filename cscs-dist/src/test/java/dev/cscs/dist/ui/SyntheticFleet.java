package dev.cscs.dist.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.agent.status.ApplierState;
import dev.cscs.agent.status.StatusReport;
import dev.cscs.core.crypto.KeyGen;
import dev.cscs.core.crypto.PrivateKeyRef;
import dev.cscs.core.crypto.Signer;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Signature;
import dev.cscs.core.trust.JoinToken;
import dev.cscs.core.trust.StatusSigning;
import dev.cscs.dist.ProcessCluster;
import dev.cscs.server.api.JoinProof;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Devices without processes: each joins the cluster with its own key and an operator-signed
 * token, as an edge agent does, then sends one status report signed by that key. Most are in
 * sync; every 50th has a failed applier, every 20th is one changeset behind, every 33rd corrected
 * drift, so a page of the fleet has something to sort and filter.
 */
final class SyntheticFleet {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SyntheticFleet() {
    }

    /**
     * Joins {@code n} devices {@code dev-0001}… through {@code via}, then has each report once, so
     * that the reports all arrive within a few seconds of each other: none is stale when the test looks.
     */
    static void report(ProcessCluster cluster, String via, int n) throws Exception {
        JsonNode heads = cluster.get(via, "/v1/status").body().path("heads");
        List<PrivateKeyRef> keys = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            keys.add(KeyGen.generate("ed25519"));
        }
        inParallel(n, i -> join(cluster, via, id(i), keys.get(i - 1)));
        inParallel(n, i -> report(cluster, via, id(i), i, keys.get(i - 1), heads));
    }

    private interface Step {
        void run(int i) throws IOException;
    }

    private static void inParallel(int n, Step step) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                int index = i;
                done.add(pool.submit(() -> {
                    step.run(index);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String id(int i) {
        return String.format("dev-%04d", i);
    }

    private static void join(ProcessCluster cluster, String via, String id, PrivateKeyRef key) throws IOException {
        JoinToken token = cluster.joinToken(id, "agent", List.of("global"), key.publicKey());
        ObjectNode join = JSON.createObjectNode();
        join.set("token", token.toJson());
        join.put("raft", "");
        Signature proof = Signature.of(key.keyid(), token.keyAlg(), Signer.sign(key, token.keyAlg(), JoinProof.payload(token.id(), "")));
        join.putObject("proof").put("keyid", proof.keyid()).put("alg", proof.alg().wireName()).put("sig", proof.sig());
        expect(cluster.post(via, "/v1/join", JSON.writeValueAsBytes(join)), 201, id + " join");
    }

    private static void report(ProcessCluster cluster, String via, String id, int i, PrivateKeyRef key, JsonNode heads)
            throws IOException {
        JsonNode report = JSON.readTree(statusOf(id, i, heads).toJson());
        byte[] envelope = JSON.writeValueAsBytes(StatusSigning.envelope(id, report, StatusSigning.sign(key, report)));
        expect(cluster.post(via, "/v1/status", envelope), 202, id + " status");
    }

    private static StatusReport statusOf(String id, int i, JsonNode heads) {
        List<StatusReport.DomainHead> chains = new ArrayList<>();
        List<StatusReport.DomainHead> applied = new ArrayList<>();
        for (String d : List.of("_trust", "global")) {
            long seq = heads.path(d).path("seq").asLong();
            Digest digest = Digest.parse(heads.path(d).path("digest").asText());
            chains.add(new StatusReport.DomainHead(d, seq, digest));
            applied.add(new StatusReport.DomainHead(d, d.equals("global") && i % 20 == 0 ? Math.max(0, seq - 1) : seq, digest));
        }
        ApplierState sysctl = i % 50 == 0 ? ApplierState.FAILED : i % 33 == 0 ? ApplierState.DRIFT_CORRECTED : ApplierState.IN_SYNC;
        String message = switch (sysctl) {
            case FAILED -> "sysctl: verify failed: kernel.kptr_restrict is 1 after apply, wanted 2; rolled back";
            case DRIFT_CORRECTED -> "sysctl: restored etc/sysctl.d/90-cscs.conf (changed by hand)";
            default -> "";
        };
        return new StatusReport(id, Instant.now(), 0, applied, chains,
                List.of(new StatusReport.ApplierStatus("sysctl", sysctl, message, List.of())), List.of(), List.of(), List.of());
    }

    private static void expect(ProcessCluster.Response r, int status, String what) {
        if (r.status() != status) {
            throw new IllegalStateException(what + ": HTTP " + r.status() + " " + r.body());
        }
    }
}
