package dev.cscs.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.chaos.History.Outcome;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Op;
import dev.cscs.core.trust.Signing;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Concurrent writers and readers through random servers, until a deadline and at most a fixed
 * number of operations each. A writer reads the domain's head, signs the next changeset (one put
 * of a fresh nonce) and submits it; a conflict (409) is a definite refusal, and the writer
 * re-reads the head and goes on. Readers do single-key reads at the default (linearizable)
 * consistency.
 */
final class Workload {
    private static final int MAX_OPS_PER_THREAD = 20_000;
    /** Longer than a node waits for its proposal (20 s), so that the node, not this client, gives up. */
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(25);
    /** Longer than a node's read barrier (5 s): a failed read is the node's answer, not a client timeout. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(8);
    private final World world;
    private final Api api;
    private final History history;
    private final long seed;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger extra = new AtomicInteger();
    private volatile long deadline;

    Workload(World world, Api api, History history, long seed) {
        this.world = world;
        this.api = api;
        this.history = history;
        this.seed = seed;
    }

    /**
     * Starts the clients; they run until {@link #extend} sets the end or {@link #stop} ends them
     * (daemons: a harness that fails on its way there does not wait for them).
     */
    void start(int writers, int readers) {
        deadline = Long.MAX_VALUE;
        for (int i = 0; i < writers; i++) {
            int n = i;
            threads.add(new Thread(() -> write(n, new Random(seed * 31 + n)), "chaos-writer-" + n));
        }
        for (int i = 0; i < readers; i++) {
            Random r = new Random(seed * 17 + i);
            threads.add(new Thread(() -> read(r), "chaos-reader-" + i));
        }
        threads.forEach(t -> {
            t.setDaemon(true);
            t.start();
        });
    }

    /** The workload now runs until {@code length} from now. */
    void extend(Duration length) {
        deadline = System.nanoTime() + length.toNanos();
    }

    /** Ends the workload now and waits (bounded) for every client to finish its operation. */
    void stop() throws InterruptedException {
        deadline = System.nanoTime();
        for (Thread t : threads) {
            t.join(WRITE_TIMEOUT.toMillis() + 5_000);
        }
    }

    private boolean running() {
        return System.nanoTime() < deadline;
    }

    private Server any(Random r) {
        return world.servers.get(r.nextInt(world.servers.size()));
    }

    private void write(int writer, Random r) {
        for (int i = 0; i < MAX_OPS_PER_THREAD && running(); i++) {
            String domain = World.DOMAINS.get(r.nextInt(World.DOMAINS.size()));
            String key = World.KEYS.get(r.nextInt(World.KEYS.size()));
            Outcome outcome = writeOne("w" + writer + "-" + i, domain, key, any(r), any(r));
            if (outcome == null || outcome == Outcome.UNKNOWN) {
                pause(100);
            }
        }
    }

    /**
     * One write outside the writers (the nemesis uses it to start an apply), recorded like
     * theirs; its nonce starts with {@code tag}.
     */
    Outcome writeNow(String tag, String domain, Random r) {
        return writeOne(tag + "-" + extra.incrementAndGet(), domain, World.KEYS.get(r.nextInt(World.KEYS.size())), any(r), any(r));
    }

    /** Reads the head through {@code headFrom}, submits the next changeset through {@code via}; null if no head was read. */
    private Outcome writeOne(String nonce, String domain, String key, Server headFrom, Server via) {
        JsonNode head = api.local(headFrom, "/v1/changesets/" + domain + "?limit=0");
        if (head == null) {
            return null;
        }
        long seq = head.path("head").path("seq").asLong() + 1;
        Digest prev = Digest.parse(head.path("head").path("digest").asText());
        ObjectNode value = Api.JSON.createObjectNode().put("name", nonce).put("baseurl", "https://chaos.invalid/" + nonce + "/");
        Changeset cs = Signing.sign(Signing.unsigned(domain, seq, prev, Instant.now(), List.of(new Op.Put(key, value)), nonce),
                world.writer, null);
        String digest = ChangesetCodec.digest(cs.body()).toString();
        long invoke = System.nanoTime();
        Outcome outcome;
        History.Ack ack = null;
        String detail;
        try {
            Api.Reply reply = api.post(via, "/v1/changesets", ChangesetCodec.toCompactJson(cs), WRITE_TIMEOUT);
            outcome = outcome(reply);
            detail = reply.describe();
            if (outcome == Outcome.ACKED) {
                // ChainCheck holds the chain against what was acknowledged, not what was sent
                ack = new History.Ack(reply.body().path("seq").asLong(), reply.body().path("digest").asText());
                detail = "201";
            }
        } catch (IOException e) {
            outcome = Outcome.UNKNOWN;
            detail = e.toString();
        }
        history.add(new History.Write(nonce, domain, key, seq, digest, invoke,
                outcome == Outcome.UNKNOWN ? Linearizability.UNKNOWN : System.nanoTime(), outcome, ack, detail, via.id()));
        return outcome;
    }

    /**
     * A 201 is acknowledged. A refusal is definite only when the server named an error that
     * happens before anything reaches the log (a verification rejection or conflict, a route
     * that does not exist, the rate limit); anything else, an unreadable body included, may
     * have committed.
     */
    static Outcome outcome(Api.Reply reply) {
        if (reply.status() == 201) {
            return Outcome.ACKED;
        }
        ErrorCode c = reply.error();
        boolean beforeTheLog = c != null && (c.isRejection() || c == ErrorCode.NOT_FOUND || c == ErrorCode.RATE_LIMITED);
        return beforeTheLog ? Outcome.FAILED : Outcome.UNKNOWN;
    }

    /** Whether a read's reply says the key has no value (the register's null). */
    static boolean absent(Api.Reply reply) {
        return reply.error() == ErrorCode.NOT_FOUND;
    }

    private void read(Random r) {
        for (int i = 0; i < MAX_OPS_PER_THREAD && running(); i++) {
            String domain = World.DOMAINS.get(r.nextInt(World.DOMAINS.size()));
            String key = World.KEYS.get(r.nextInt(World.KEYS.size()));
            Server via = any(r);
            long invoke = System.nanoTime();
            try {
                Api.Reply reply = api.get(via, "/v1/kv/" + domain + "/" + key, READ_TIMEOUT);
                long complete = System.nanoTime();
                if (reply.status() == 200) {
                    history.add(new History.Read(domain, key, reply.body().path("value").path("name").asText(), invoke, complete, via.id()));
                } else if (absent(reply)) {
                    history.add(new History.Read(domain, key, null, invoke, complete, via.id()));
                } else {
                    history.readFailed(Integer.toString(reply.status()));
                }
            } catch (IOException e) {
                history.readFailed(e.getClass().getSimpleName());
            }
            pause(25);
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
