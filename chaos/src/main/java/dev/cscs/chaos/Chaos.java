package dev.cscs.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.chaos.Schedule.Kind;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Op;
import dev.cscs.core.testing.Eventually;
import dev.cscs.core.trust.Signing;
import dev.cscs.dist.LocalProcesses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code chaos/run --seconds S --seed N}: start the world, run the workload under the seeded
 * faults for S seconds, heal, check, and print the summary as the last line. Exit 0 only when
 * nothing was lost or duplicated, reads were linearizable and every agent converged.
 */
public final class Chaos {
    private static final Duration START = Duration.ofSeconds(90);
    /** The workload runs this long at most before the first fault, until every agent has applied something. */
    private static final Duration WARM_UP = Duration.ofSeconds(30);
    private static final Duration SETTLE = Duration.ofSeconds(30);

    private Chaos() {
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (Options.UsageException e) {
            System.err.println("chaos: " + e.getMessage());
            System.exit(2);
            return;
        }
        long t0 = System.nanoTime();
        Path dir = Files.createTempDirectory("cscs-chaos-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        System.out.println("chaos: seed " + o.seed() + ", " + o.seconds() + " s of faults, in " + dir);
        World world = new World(dir, o.jar().toAbsolutePath());
        List<Proc> procs = world.procs();
        Thread cleanup = new Thread(() -> stopAll(procs), "chaos-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        int code;
        try {
            code = run(world, o.seed(), o.seconds(), o.maxFaults(), t0);
        } finally {
            stopAll(procs);
        }
        System.out.println("chaos: " + (code == 0 ? "passed; removing " : "FAILED; kept for inspection: ") + dir);
        if (code == 0) {
            delete(dir);
        }
        Runtime.getRuntime().removeShutdownHook(cleanup);
        System.exit(code);
    }

    private static int run(World world, long seed, long seconds, int maxFaults, long t0) throws Exception {
        Api api = new Api();
        Net net = new Net(world.procs());
        Nemesis nemesis = new Nemesis(world, api, net);
        // all at once: the agents retry their endpoints until the servers answer
        world.procs().forEach(Proc::start);
        // start-up elections may move the leader: retried until one registration is accepted; a
        // time-out names what the last try answered (the cause)
        Eventually.await("a leader that registers the replicas", START, () -> registerReplicas(world, api, nemesis.leader()));
        Eventually.await("n4 and n5 replicating", START, () -> replicas(api, world.server("n1")) == 2);
        nemesis.say("cluster up: leader " + nemesis.leader() + "; agents started");

        History history = new History();
        Workload workload = new Workload(world, api, history, seed);
        List<Schedule.Fault> schedule = Schedule.of(seed, seconds * 1000);
        workload.start(3, 2);
        // every fault should find something to act on: each agent has applied a file
        boolean warm = Eventually.poll(WARM_UP, () -> world.nodes().stream().allMatch(n -> !Convergence.managed(n.root()).isEmpty()));
        nemesis.say(warm ? "warm: every agent has applied a file" : "not warm after " + WARM_UP.toSeconds() + " s; faults start anyway");
        workload.extend(Duration.ofSeconds(seconds));
        nemesis.run(schedule, System.nanoTime() + seconds * 1_000_000_000L, maxFaults, workload);
        workload.stop();
        nemesis.healAll();
        long healed = System.nanoTime();
        nemesis.say("healed; writers stopped; waiting for the servers to agree");
        boolean agreed = Eventually.poll(SETTLE, () -> World.DOMAINS.stream().allMatch(d -> {
            Map<String, List<String>> v = ChainCheck.digests(api, world, d);
            return v.values().stream().distinct().count() == 1 && v.values().iterator().next() != null;
        }));
        ChainCheck chain = new ChainCheck(world.genesis, ChainCheck.fetchAll(api, world), history);
        List<String> problems = new ArrayList<>(nemesis.findings);
        if (!agreed) {
            problems.add("the servers' chains did not agree within " + SETTLE.toSeconds() + " s of healing");
            Postmortem.print(world, System.out);
        }
        problems.addAll(chain.issues);

        List<String> notConverged = new ArrayList<>();
        boolean converged = Eventually.poll(SETTLE, () -> {
            notConverged.clear();
            world.nodes().forEach(n -> Convergence.diff(n.root(), n.domains(), chain).forEach(x -> notConverged.add(n + ": " + x)));
            return notConverged.isEmpty();
        });
        double convergedS = (System.nanoTime() - healed) / 1e9;
        if (!converged) {
            problems.add("not converged within " + SETTLE.toSeconds() + " s: " + notConverged);
        }
        int applied = 0;
        for (Node n : world.nodes()) {
            // the servers' agents are never tampered with
            AuditCheck c = new AuditCheck(n.id(), n.audit(), nemesis.tampered.getOrDefault(n.id(), List.of()), chain);
            problems.addAll(c.issues);
            applied += c.applied + c.driftCorrected;
        }
        ReadCheck reads = new ReadCheck(history, chain);
        problems.addAll(reads.issues);

        List<History.Write> writes = history.writes();
        long acked = writes.stream().filter(w -> w.outcome() == History.Outcome.ACKED).count();
        long failed = writes.stream().filter(w -> w.outcome() == History.Outcome.FAILED).count();
        long unknown = writes.size() - acked - failed;
        problems.forEach(p -> System.out.println("PROBLEM: " + p));
        StringBuilder kinds = new StringBuilder("faults:");
        int faults = 0;
        for (Kind k : Kind.values()) {
            int n = nemesis.counts.getOrDefault(k, 0);
            faults += n;
            kinds.append(' ').append(k.wire).append('=').append(n);
        }
        System.out.println(kinds);
        System.out.printf(Locale.ROOT, "writes: acked=%d refused=%d unknown=%d; reads: %d answered, failed %s; agent changes audited: %d%n",
                acked, failed, unknown, history.reads().size(), history.failedReads(), applied);
        System.out.printf(Locale.ROOT, "run time: %.0f s%n", (System.nanoTime() - t0) / 1e9);
        boolean ok = problems.isEmpty() && converged && reads.linearizable;
        System.out.printf(Locale.ROOT, "faults=%d ops=%d acked=%d lost=%d duplicated=%d linearizable=%s converged_s=%s%n", faults,
                writes.size() + history.reads().size(), acked, chain.lost, chain.duplicated, reads.linearizable ? "yes" : "no",
                converged ? String.format(Locale.ROOT, "%.1f", convergedS) : "never");
        return ok ? 0 : 1;
    }

    /**
     * The replicas join through the registry: the leader adds them to the Raft configuration as
     * listeners. True once accepted; otherwise throws what was answered, for the time-out's cause.
     */
    private static boolean registerReplicas(World world, Api api, String leader) {
        if (leader == null) {
            throw new IllegalStateException("no leader seen");
        }
        Server via = world.server(leader);
        JsonNode head = api.local(via, "/v1/changesets/_nodes?limit=0");
        if (head == null) {
            throw new IllegalStateException("via " + leader + ": no head of _nodes");
        }
        List<Op> ops = new ArrayList<>();
        for (Server s : world.servers) {
            if (!s.voter()) {
                ops.add(new Op.Put("node/" + s.id(), Api.JSON.createObjectNode().put("role", "replica").put("raft", s.address() + ":7401")
                        .put("api", s.api())));
            }
        }
        Changeset cs = Signing.sign(Signing.unsigned("_nodes", head.path("head").path("seq").asLong() + 1,
                Digest.parse(head.path("head").path("digest").asText()), Instant.now(), ops, "chaos replicas"), world.root, null);
        Api.Reply r;
        try {
            r = api.post(via, "/v1/members", ChangesetCodec.toCompactJson(cs), Duration.ofSeconds(20));
        } catch (IOException e) {
            throw new UncheckedIOException("via " + leader, e);
        }
        if (r.status() != 201) {
            throw new IllegalStateException("via " + leader + ": " + r.describe());
        }
        return true;
    }

    private static long replicas(Api api, Server s) {
        JsonNode m = api.local(s, "/v1/members");
        if (m == null) {
            return 0;
        }
        long n = 0;
        for (JsonNode x : m.path("members")) {
            n += x.path("role").asText().equals("replica") ? 1 : 0;
        }
        return n;
    }

    private static void stopAll(List<Proc> procs) {
        List<Process> live = new ArrayList<>();
        for (Proc p : procs) {
            p.cont();
            if (p.alive()) {
                live.add(p.process());
            }
        }
        LocalProcesses.stopAll(live, 5);
    }

    private static void delete(Path dir) throws IOException {
        try (var all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
