package dev.cscs.server.config;

import dev.cscs.agent.AgentConfig;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.Limits;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.Names;
import dev.cscs.core.yaml.YNode;
import dev.cscs.core.yaml.YamlReader;
import dev.cscs.server.api.ApiLimits;
import dev.cscs.store.raft.AutopilotSettings;
import dev.cscs.store.raft.HostPort;
import dev.cscs.store.raft.Peer;
import dev.cscs.store.raft.RaftSettings;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Reads {@code cscsd.yaml}; any problem is a {@code bad-config} error naming the file, line, key and why. */
public final class ConfigLoader {
    /** 127.0.0.0/8 as a literal: octets of at most 255 without leading zeros. */
    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    private static final Pattern LOOPBACK_V4 = Pattern.compile("127\\." + OCTET + "\\." + OCTET + "\\." + OCTET);
    /** {@code raft.freshnessInterval}: well under {@code agent.maxStaleness} (10 min), so a lost record or two is no alarm. */
    public static final Duration FRESHNESS_INTERVAL = Duration.ofSeconds(60);
    public static final List<String> ALL_APPLIERS = List.of("yum", "apt", "sysctl", "firewall", "sshd", "service");

    private ConfigLoader() {
    }

    public static ServerConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CscsException(ErrorCode.BAD_CONFIG, file + ": no such file");
        } catch (MalformedInputException e) {
            throw new CscsException(ErrorCode.BAD_CONFIG, file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new CscsException(ErrorCode.BAD_CONFIG, file + ": cannot read: " + e.getMessage());
        }
        return parse(text, file);
    }

    public static ServerConfig parse(String text, Path file) {
        YNode root;
        try {
            root = YamlReader.read(text, file.toString());
        } catch (CscsException e) {
            throw new CscsException(ErrorCode.BAD_CONFIG, e.getMessage());
        }
        Section top = new Section(root, "");
        Section node = need(top, "node", root);
        String id = node.parsed("id", null, Names::checkNodeId);
        if (id == null) {
            throw Section.fail(node.self(), "node.id", "is required");
        }
        Path dataDir = node.path("dataDir", "/var/lib/cscs");
        List<String> domains = node.parsedList("domains", List.of(), Names::checkDomain);
        node.noOthers();

        ServerConfig.Raft raft = raft(top.section("raft"));
        ServerConfig.Edge edge = edge(top.section("server"));
        if (raft != null && edge != null) {
            throw Section.fail(top.node("server"), "server", "give raft: (a cluster node) or server: (an edge agent), not both");
        }
        Section api = top.section("api");
        HostPort apiListen = api == null ? HostPort.parse("127.0.0.1:7400") : api.parsed("listen", "127.0.0.1:7400", HostPort::parse);
        HostPort apiLocal = api == null ? null : api.parsed("localListen", null, ConfigLoader::loopback);
        Duration staleAfter = api == null ? ApiLimits.STALE_AFTER
                : api.duration("staleAfter", ApiLimits.STALE_AFTER, Duration.ofSeconds(1), Duration.ofDays(7));
        if (api != null) {
            api.noOthers();
        }
        Section trust = need(top, "trust", root);
        Path genesis = trust.path("genesis", null);
        Digest anchor = trust.parsed("anchor", null, Digest::parse);
        if (genesis == null && anchor == null) {
            throw Section.fail(top.node("trust"), "trust", "give genesis: (the genesis.json file) or anchor: (its sha256 digest)");
        }
        trust.noOthers();
        ServerConfig.Tls tls = tls(top.section("tls"));
        boolean insecure = top.bool("insecure", false);
        if (tls == null && !insecure) {
            throw new CscsException(ErrorCode.BAD_CONFIG, root.where() + ": tls: is missing; give tls: {ca, cert, key} "
                    + "(see `cscs ca --help`), or set insecure: true for a local test cluster");
        }
        ServerConfig.Agent agent = agent(top.section("agent"));
        ServerConfig.Log log = log(top.section("log"));
        Section limitsSection = top.section("limits");
        Duration alertInterval = limitsSection == null ? RaftSettings.ALERT_INTERVAL
                : limitsSection.duration("alertInterval", RaftSettings.ALERT_INTERVAL);
        ApiLimits d = ApiLimits.DEFAULT;
        ApiLimits apiLimits = limitsSection == null ? d : new ApiLimits(
                limitsSection.number("writesPerSecond", (long) d.writesPerSecond(), 0, 100_000),
                limitsSection.number("writeBurst", (long) d.writeBurst(), 1, 1_000_000),
                (int) limitsSection.number("watchesPerClient", d.watchesPerClient(), 1, 10_000),
                limitsSection.duration("requestTimeout", d.requestTimeout(), Duration.ofMillis(100), Duration.ofMinutes(10)),
                (int) limitsSection.number("concurrentPerClient", d.concurrentPerClient(), 1, 200), d.staleAfter());
        apiLimits = apiLimits.withStaleAfter(staleAfter);
        Limits limits = limits(limitsSection);
        HostPort metricsListen = metricsListen(top.section("metrics"));
        if (metricsListen != null && raft != null) {
            throw Section.fail(top.node("metrics"), "metrics.listen", "is for edge agents; a cluster node serves /metrics on "
                    + "its API (api.localListen for plain HTTP on loopback)");
        }
        top.noOthers();
        return new ServerConfig(file, id, dataDir, domains, raft, edge, apiListen, apiLocal, genesis, anchor, tls, insecure, agent,
                log, limits, alertInterval, apiLimits, metricsListen);
    }

    /** {@code metrics: {listen: 127.0.0.1:9465}}: an edge agent's metrics, plain HTTP, so loopback only. */
    private static HostPort metricsListen(Section m) {
        if (m == null) {
            return null;
        }
        HostPort listen = m.parsed("listen", null, ConfigLoader::loopback);
        m.noOthers();
        return listen;
    }

    private static Section need(Section top, String name, YNode root) {
        Section s = top.section(name);
        if (s == null) {
            throw Section.fail(root, name, "is required");
        }
        return s;
    }

    private static ServerConfig.Raft raft(Section r) {
        if (r == null) {
            return null;
        }
        HostPort listen = r.parsed("listen", "127.0.0.1:7401", HostPort::parse);
        HostPort advertise = r.parsed("advertise", listen.toString(), HostPort::parse);
        String role = r.string("role", "voter");
        if (!role.equals("voter") && !role.equals("replica")) {
            throw Section.fail(r.node("role"), "raft.role", "\"" + role + "\" is not voter or replica");
        }
        List<Peer> peers = r.parsedList("peers", List.of(), Peer::parse);
        ServerConfig.Join join = null;
        Section j = r.section("join");
        if (j != null) {
            join = new ServerConfig.Join(j.parsed("endpoint", null, ConfigLoader::url), j.path("token", null));
            if (join.endpoint() == null || join.token() == null) {
                throw Section.fail(r.node("join"), "raft.join", "needs endpoint: and token:");
            }
            j.noOthers();
        }
        if (peers.isEmpty() && join == null) {
            throw Section.fail(r.self(), "raft.peers", "give the bootstrap peers (id@host:port, ...) or join:");
        }
        Duration min = r.duration("electionTimeoutMin", RaftSettings.ELECTION_MIN);
        Duration max = r.duration("electionTimeoutMax", RaftSettings.ELECTION_MAX);
        if (min.toMillis() < 50 || max.compareTo(min) <= 0) {
            throw Section.fail(r.self(), "raft.electionTimeoutMin", "needs 50ms <= electionTimeoutMin < electionTimeoutMax");
        }
        long snapshotEvery = r.number("snapshotEvery", 10_000, 10, 100_000_000);
        int history = (int) r.number("eventHistory", 10_000, 1, 10_000_000);
        AutopilotSettings autopilot = autopilot(r.section("autopilot"));
        Duration freshness = r.duration("freshnessInterval", FRESHNESS_INTERVAL, Duration.ofSeconds(1), Duration.ofHours(1));
        r.noOthers();
        return new ServerConfig.Raft(listen, advertise, role.equals("replica"), peers, join, min, max, snapshotEvery, history,
                autopilot, freshness);
    }

    /** {@code raft.autopilot}: absent, the registry's roles alone decide who votes. */
    private static AutopilotSettings autopilot(Section a) {
        if (a == null) {
            return null;
        }
        int voters = (int) a.number("voters", 3, 1, 9);
        Duration replaceAfter = a.duration("replaceAfter", AutopilotSettings.REPLACE_AFTER);
        Duration removeDeadAfter = a.duration("removeDeadAfter", AutopilotSettings.REMOVE_DEAD_AFTER);
        Duration minInterval = a.duration("minInterval", replaceAfter.compareTo(AutopilotSettings.MIN_INTERVAL) < 0
                ? replaceAfter : AutopilotSettings.MIN_INTERVAL);
        a.noOthers();
        try {
            return new AutopilotSettings(voters, replaceAfter, removeDeadAfter, minInterval);
        } catch (IllegalArgumentException e) {
            // the settings name the field first ("voters: 4 is not 3 or 5"): point at its line
            String field = e.getMessage().substring(0, e.getMessage().indexOf(':'));
            throw Section.fail(a.has(field) ? a.node(field) : a.self(), "raft.autopilot." + field,
                    e.getMessage().substring(field.length() + 2));
        }
    }

    private static ServerConfig.Edge edge(Section s) {
        if (s == null) {
            return null;
        }
        List<String> endpoints = s.parsedList("endpoints", List.of(), ConfigLoader::url);
        if (endpoints.isEmpty()) {
            throw Section.fail(s.self(), "server.endpoints", "give at least one server API URL");
        }
        Path token = s.path("token", null);
        s.noOthers();
        return new ServerConfig.Edge(endpoints, token);
    }

    private static ServerConfig.Tls tls(Section t) {
        if (t == null) {
            return null;
        }
        ServerConfig.Tls tls = new ServerConfig.Tls(t.path("ca", null), t.path("cert", null), t.path("key", null));
        if (tls.ca() == null || tls.cert() == null || tls.key() == null) {
            throw Section.fail(t.self(), "tls", "needs ca:, cert: and key:");
        }
        t.noOthers();
        return tls;
    }

    private static ServerConfig.Agent agent(Section a) {
        if (a == null) {
            return new ServerConfig.Agent(true, Path.of("/"), ALL_APPLIERS, Duration.ofSeconds(60), Duration.ofMillis(50),
                    Duration.ofSeconds(2), false, Duration.ofSeconds(15), Duration.ofSeconds(30), AgentConfig.MAX_STALENESS);
        }
        List<String> appliers = a.parsedList("appliers", ALL_APPLIERS, s -> {
            if (!ALL_APPLIERS.contains(s)) {
                throw new IllegalArgumentException("\"" + s + "\" is not one of " + ALL_APPLIERS);
            }
            return s;
        });
        ServerConfig.Agent agent = new ServerConfig.Agent(a.bool("enabled", true), a.path("root", "/"), appliers,
                a.duration("reconcileInterval", Duration.ofSeconds(60)), a.duration("quietPeriod", Duration.ofMillis(50)),
                a.duration("quietMax", Duration.ofSeconds(2)), a.bool("dryRun", false),
                a.duration("commitConfirm", Duration.ofSeconds(15)), a.duration("statusInterval", Duration.ofSeconds(30)),
                a.duration("maxStaleness", AgentConfig.MAX_STALENESS));
        a.noOthers();
        return agent;
    }

    private static ServerConfig.Log log(Section l) {
        if (l == null) {
            return ServerConfig.Log.DEFAULT;
        }
        ServerConfig.Log d = ServerConfig.Log.DEFAULT;
        ServerConfig.Log log = new ServerConfig.Log(l.path("dir", d.dir().toString()),
                l.parsed("level", "info", s -> choice(s, ServerConfig.Log.Level.class)),
                l.parsed("format", "text", s -> choice(s, ServerConfig.Log.Format.class)));
        l.noOthers();
        return log;
    }

    /** {@code s} as one of {@code type}'s constants, written in lower case in the file. */
    static <E extends Enum<E>> E choice(String s, Class<E> type) {
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            String name = e.name().toLowerCase(Locale.ROOT);
            if (name.equals(s)) {
                return e;
            }
            names.add(name);
        }
        throw new IllegalArgumentException("\"" + s + "\" is not one of " + String.join(", ", names));
    }

    private static Limits limits(Section l) {
        if (l == null) {
            return Limits.DEFAULT;
        }
        Limits d = Limits.DEFAULT;
        Limits max = Limits.PROTOCOL_MAX;
        Limits limits = new Limits((int) l.number("changesetBytes", d.maxChangesetBytes(), 1024, max.maxChangesetBytes()),
                (int) l.number("valueBytes", d.maxValueBytes(), 64, max.maxValueBytes()),
                (int) l.number("ops", d.maxOps(), 1, max.maxOps()), (int) l.number("depth", d.maxDepth(), 4, max.maxDepth()),
                (int) l.number("signatures", d.maxSignatures(), 1, max.maxSignatures()));
        l.noOthers();
        return limits;
    }

    /** Plain HTTP is only ever served on loopback. */
    static HostPort loopback(String s) {
        HostPort hp = HostPort.parse(s);
        String h = hp.host();
        // a literal address: a name such as 127.example.net could resolve anywhere, and so could a dotted
        // quad that is no address (127.999.0.1, or 127.0.0.01, which the JDK does not read as a literal)
        if (!(LOOPBACK_V4.matcher(h).matches() || h.equals("localhost") || h.equals("[::1]"))) {
            throw new IllegalArgumentException("\"" + s + "\" is not a loopback address; plain HTTP is served on loopback only");
        }
        return hp;
    }

    static String url(String s) {
        if (!s.matches("https?://[A-Za-z0-9.:\\[\\]-]{1,260}/?")) {
            throw new IllegalArgumentException("\"" + s + "\" is not an http(s)://host:port URL");
        }
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
