package dev.cscs.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.chaos.Schedule.Kind;
import dev.cscs.core.model.Changeset;
import dev.cscs.core.model.ChangesetCodec;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Op;
import dev.cscs.core.trust.Signing;
import dev.cscs.dist.LocalProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

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
    private static final Duration POLL = Duration.ofMillis(100);

    private Chaos() {
    }

    public static void main(String[] args) throws Exception {
        long seconds = 180;
        long seed = 7;
        int maxFaults = Integer.MAX_VALUE;
        Path jar = Path.of("cscs-dist/target/cscs.jar");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--seconds" -> seconds = Long.parseLong(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--faults" -> maxFaults = Integer.parseInt(args[i + 1]);
                case "--jar" -> jar = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--seconds S --seed N [--faults N] [--jar F])");
            }
        }
        long t0 = System.nanoTime();
        Path dir = Files.createTempDirectory("cscs-chaos-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        System.out.println("chaos: seed " + seed + ", " + seconds + " s of faults, in " + dir);
        World world = new World(dir, jar.toAbsolutePath());
        List<Proc> procs = world.procs();
        Thread cleanup = new Thread(() -> stopAll(procs), "chaos-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        int code;
        try {
            code = run(world, seed, seconds, maxFaults, t0);
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
        // start-up elections may move the leader: retried until one registration is accepted
        StringBuilder lastTry = new StringBuilder("no leader seen");
        await(() -> "a leader that registers the replicas (last try: " + lastTry + ")", START, () -> {
            String leader = nemesis.leader();
            lastTry.setLength(0);
            try {
                lastTry.append(leader == null ? "no leader seen" : "via " + leader + ": ");
                return leader != null && registerReplicas(world, api, leader, lastTry);
            } catch (IOException | RuntimeException e) {
                lastTry.append(e);
                return false;
            }
        });
        await("n4 and n5 replicating", START, () -> replicas(api, world.server("n1")) == 2);
        nemesis.say("cluster up: leader " + nemesis.leader() + "; agents started");

        History history = new History();
        Workload workload = new Workload(world, api, history, seed);
        List<Schedule.Fault> schedule = Schedule.of(seed, seconds * 1000);
        workload.start(3, 2, WARM_UP.plusSeconds(seconds));
        // every fault should find something to act on: each agent has applied a file
        boolean warm = poll(WARM_UP, () -> world.agents.stream().allMatch(a -> !Convergence.managed(a.root()).isEmpty())
                && world.servers.stream().allMatch(s -> !Convergence.managed(s.root()).isEmpty()));
        nemesis.say(warm ? "warm: every agent has applied a file" : "not warm after " + WARM_UP.toSeconds() + " s; faults start anyway");
        workload.extend(Duration.ofSeconds(seconds));
        nemesis.run(schedule, System.nanoTime() + seconds * 1_000_000_000L, maxFaults, workload);
        workload.stop();
        net.heal();
        List<Server> dead = new ArrayList<>();
        for (Server s : world.servers) {
            s.proc.cont();
            if (!s.proc.alive()) {
                dead.add(s);
            }
        }
        for (EdgeAgent a : world.agents) {
            if (!a.proc.alive()) {
                a.proc.start();
            }
        }
        nemesis.restartAll(dead);
        long healed = System.nanoTime();
        nemesis.say("healed; writers stopped; waiting for the servers to agree");
        boolean agreed = poll(SETTLE, () -> World.DOMAINS.stream().allMatch(d -> {
            Map<String, List<String>> v = ChainCheck.digests(api, world, d);
            return v.values().stream().distinct().count() == 1 && v.values().iterator().next() != null;
        }));
        ChainCheck chain = new ChainCheck(api, world, history);
        List<String> problems = new ArrayList<>(nemesis.findings);
        if (!agreed) {
            problems.add("the servers' chains did not agree within " + SETTLE.toSeconds() + " s of healing");
        }
        problems.addAll(chain.issues);

        List<String> notConverged = new ArrayList<>();
        boolean converged = poll(SETTLE, () -> {
            notConverged.clear();
            world.agents.forEach(a -> Convergence.diff(a.root(), a.domains, chain).forEach(x -> notConverged.add(a + ": " + x)));
            world.servers.forEach(s -> Convergence.diff(s.root(), World.DOMAINS, chain).forEach(x -> notConverged.add(s + ": " + x)));
            return notConverged.isEmpty();
        });
        double convergedS = (System.nanoTime() - healed) / 1e9;
        if (!converged) {
            problems.add("not converged within " + SETTLE.toSeconds() + " s: " + notConverged);
        }
        int applied = 0;
        for (EdgeAgent a : world.agents) {
            AuditCheck c = new AuditCheck(a.id, a.audit(), nemesis.tampered.getOrDefault(a.id, List.of()), chain);
            problems.addAll(c.issues);
            applied += c.applied + c.driftCorrected;
        }
        for (Server s : world.servers) {
            AuditCheck c = new AuditCheck(s.id, s.audit(), List.of(), chain);
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

    /** The replicas join through the registry: the leader adds them to the Raft configuration as listeners. */
    private static boolean registerReplicas(World world, Api api, String leader, StringBuilder answer) throws IOException {
        Server via = world.server(leader);
        JsonNode head = api.local(via, "/v1/changesets/_nodes?limit=0").path("head");
        List<Op> ops = new ArrayList<>();
        for (Server s : world.servers) {
            if (!s.voter) {
                ops.add(new Op.Put("node/" + s.id, Api.JSON.createObjectNode().put("role", "replica").put("raft", s.address + ":7401")
                        .put("api", s.api())));
            }
        }
        Changeset cs = Signing.sign(Signing.unsigned("_nodes", head.path("seq").asLong() + 1, Digest.parse(head.path("digest").asText()),
                Instant.now(), ops, "chaos replicas"), world.root, null);
        Api.Reply r = api.post(via, "/v1/members", ChangesetCodec.toCompactJson(cs), Duration.ofSeconds(20));
        answer.append(r.status()).append(' ').append(r.body());
        return r.status() == 201;
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

    private static void await(String what, Duration within, BooleanSupplier cond) {
        await(() -> what, within, cond);
    }

    private static void await(Supplier<String> what, Duration within, BooleanSupplier cond) {
        if (!poll(within, cond)) {
            throw new IllegalStateException("timed out after " + within.toSeconds() + " s waiting for " + what.get());
        }
    }

    private static boolean poll(Duration within, BooleanSupplier cond) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (cond.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
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
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
