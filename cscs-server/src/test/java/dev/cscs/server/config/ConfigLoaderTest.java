package dev.cscs.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.store.raft.AutopilotSettings;
import dev.cscs.store.raft.HostPort;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    private static final String GOOD = String.join("\n",
            "node:",
            "  id: n1",
            "  dataDir: /var/lib/cscs",
            "  domains: [global, factory-a]",
            "raft:",
            "  listen: 127.0.0.1:7401",
            "  role: voter",
            "  peers: [n1@127.0.0.1:7401, n2@127.0.0.1:7411, n3@127.0.0.1:7421]",
            "api:",
            "  listen: 127.0.0.1:7400",
            "trust:",
            "  genesis: /etc/cscs/genesis.json",
            "tls: {ca: /etc/cscs/ca.pem, cert: /etc/cscs/node.pem, key: /etc/cscs/node.key}",
            "insecure: false",
            "agent:",
            "  root: /",
            "  appliers: [yum, apt, sysctl, firewall, sshd, service]",
            "  reconcileInterval: 60s",
            "  quietPeriod: 50ms",
            "  dryRun: false",
            "log:",
            "  dir: /var/log/cscs",
            "");

    private static ServerConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, Path.of("cscsd.yaml"));
    }

    @Test
    void theDesignExampleLoads() {
        ServerConfig c = parse(GOOD);
        assertThat(c.nodeId()).isEqualTo("n1");
        assertThat(c.domains()).containsExactly("global", "factory-a");
        assertThat(c.raft().peers()).hasSize(3);
        assertThat(c.raft().advertise().toString()).isEqualTo("127.0.0.1:7401");
        assertThat(c.agent().quietPeriod()).isEqualTo(Duration.ofMillis(50));
        assertThat(c.tls().key().toString()).isEqualTo("/etc/cscs/node.key");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "bad peer|n2@127.0.0.1:7411|n2-127.0.0.1:7411|cscsd.yaml:8:|raft.peers[1]: peer \"n2-127.0.0.1:7411\" is not id@host:port",
        "bad duration|60s|sixty|cscsd.yaml:18:|agent.reconcileInterval: \"sixty\" is not a duration",
        "typo key|  dryRun: false|  dryrun: false|cscsd.yaml:20:|agent.dryrun: unknown key",
        "bad node id|id: n1|id: N_1|cscsd.yaml:2:|node.id: node id \"N_1\" is not valid",
        "unknown applier|sshd, service]|sshd, telnet]|cscsd.yaml:17:|agent.appliers[5]: \"telnet\" is not one of",
        "bad bool|insecure: false|insecure: maybe|cscsd.yaml:14:|insecure: \"maybe\" is not true or false",
        "bad yaml|  role: voter|  role: [voter|cscsd.yaml:8:8:|expected ',' or ']'",
        "request timeout too short|  dir: /var/log/cscs|  dir: /var/log/cscs\\nlimits: {requestTimeout: 10ms}|cscsd.yaml:23:|limits.requestTimeout: 10ms is outside 100ms..600000ms",
        "no concurrency|  dir: /var/log/cscs|  dir: /var/log/cscs\\nlimits: {concurrentPerClient: 0}|cscsd.yaml:23:|limits.concurrentPerClient: 0 is outside 1..200",
        "bad log level|  dir: /var/log/cscs|  dir: /var/log/cscs\\n  level: trace|cscsd.yaml:23:|log.level: \"trace\" is not one of error, warn, info, debug",
        "bad log format|  dir: /var/log/cscs|  dir: /var/log/cscs\\n  format: xml|cscsd.yaml:23:|log.format: \"xml\" is not one of text, json",
        "freshness too often|  role: voter|  role: voter\\n  freshnessInterval: 100ms|cscsd.yaml:8:|raft.freshnessInterval: 100ms is outside 1000ms..3600000ms",
        "bad max staleness|  dryRun: false|  dryRun: false\\n  maxStaleness: soon|cscsd.yaml:21:|agent.maxStaleness: \"soon\" is not a duration",
        "upper-case log level|  dir: /var/log/cscs|  dir: /var/log/cscs\\n  level: WARN|cscsd.yaml:23:|log.level: \"WARN\" is not one of",
        "duplicate key|  dryRun: false|  dryRun: false\\n  dryRun: true|cscsd.yaml:|duplicate",
        "autopilot of four voters|  role: voter|  role: voter\\n  autopilot: {voters: 4}|cscsd.yaml:8:|raft.autopilot.voters: 4 is not 3 or 5",
        "autopilot replacing too soon|  role: voter|  role: voter\\n  autopilot:\\n    replaceAfter: 1s|cscsd.yaml:9:|raft.autopilot.replaceAfter: needs at least 3s",
        "autopilot removing before replacing|  role: voter|  role: voter\\n  autopilot: {replaceAfter: 1m, removeDeadAfter: 30s}|cscsd.yaml:8:|raft.autopilot.removeDeadAfter: needs to be longer than replaceAfter",
        "autopilot interval over replaceAfter|  role: voter|  role: voter\\n  autopilot: {replaceAfter: 5s, minInterval: 6s}|cscsd.yaml:8:|raft.autopilot.minInterval: needs 0s <= minInterval <= replaceAfter",
        "autopilot typo|  role: voter|  role: voter\\n  autopilot: {voter: 3}|cscsd.yaml:8:|raft.autopilot.voter: unknown key",
        "stale after too short|  listen: 127.0.0.1:7400|  listen: 127.0.0.1:7400\\n  staleAfter: 500ms|cscsd.yaml:11:|api.staleAfter: 500ms is outside 1000ms..604800000ms",
        "autopilot not a mapping|  role: voter|  role: voter\\n  autopilot: on|cscsd.yaml:8:|raft.autopilot: must be a mapping",
    })
    void aBrokenFileNamesTheLineTheKeyAndWhy(String name, String from, String to, String where, String why) {
        String yaml = GOOD.replace(from, to.replace("\\n", "\n"));
        assertThat(yaml).isNotEqualTo(GOOD);
        assertThatThrownBy(() -> parse(yaml))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_CONFIG))
                .hasMessageContaining(where)
                .hasMessageContaining(why);
    }

    @Test
    void theAutopilotIsOffUnlessConfiguredAndTakesItsDefaults() {
        assertThat(parse(GOOD).raft().autopilot()).isNull();
        String peers = "  peers: [n1@127.0.0.1:7401, n2@127.0.0.1:7411, n3@127.0.0.1:7421]";
        assertThat(parse(GOOD.replace(peers, peers + "\n  autopilot: {}")).raft().autopilot()).isEqualTo(
                new AutopilotSettings(3, Duration.ofSeconds(30), Duration.ofHours(24), Duration.ofSeconds(10)));
        assertThat(parse(GOOD.replace(peers, peers + "\n  autopilot: {voters: 5, replaceAfter: 5s, removeDeadAfter: 1h}"))
                .raft().autopilot()).isEqualTo(new AutopilotSettings(5, Duration.ofSeconds(5), Duration.ofHours(1),
                Duration.ofSeconds(5)));
    }

    @Test
    void freshnessTakesItsDefaultsAndZeroTurnsStalenessOff() {
        assertThat(parse(GOOD).raft().freshnessInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(parse(GOOD).agent().maxStaleness()).isEqualTo(Duration.ofMinutes(10));
        ServerConfig c = parse(GOOD.replace("  role: voter", "  role: voter\n  freshnessInterval: 5s")
                .replace("  dryRun: false", "  dryRun: false\n  maxStaleness: 0s"));
        assertThat(c.raft().freshnessInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.agent().maxStaleness()).isZero();
    }

    @Test
    void theRequestLimitsLoadWithTheirDefaults() {
        assertThat(parse(GOOD).apiLimits().requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(parse(GOOD).apiLimits().concurrentPerClient()).isEqualTo(16);
        ServerConfig c = parse(GOOD + "limits: {requestTimeout: 2s, concurrentPerClient: 4}\n");
        assertThat(c.apiLimits().requestTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.apiLimits().concurrentPerClient()).isEqualTo(4);
    }

    @Test
    void staleAfterDefaultsToThreeMinutesAndKeepsWithTheOtherLimits() {
        assertThat(parse(GOOD).apiLimits().staleAfter()).isEqualTo(Duration.ofMinutes(3));
        ServerConfig c = parse(GOOD.replace("  listen: 127.0.0.1:7400", "  listen: 127.0.0.1:7400\n  staleAfter: 90s")
                + "limits: {concurrentPerClient: 4}\n");
        assertThat(c.apiLimits().staleAfter()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.apiLimits().concurrentPerClient()).isEqualTo(4);
    }

    @Test
    void theLogLevelAndFormatDefaultToInfoAndText() {
        ServerConfig c = parse(GOOD);
        assertThat(c.log()).isEqualTo(new ServerConfig.Log(Path.of("/var/log/cscs"), ServerConfig.Log.Level.INFO,
                ServerConfig.Log.Format.TEXT));
        ServerConfig j = parse(GOOD.replace("  dir: /var/log/cscs", "  dir: /srv/log\n  level: debug\n  format: json"));
        assertThat(j.log()).isEqualTo(new ServerConfig.Log(Path.of("/srv/log"), ServerConfig.Log.Level.DEBUG,
                ServerConfig.Log.Format.JSON));
        assertThat(parse(GOOD.replace("  dir: /var/log/cscs", "  level: error")).log().level())
                .isEqualTo(ServerConfig.Log.Level.ERROR);
    }

    @Test
    void aNodeWithoutTlsMustSayItIsInsecure() {
        String noTls = GOOD.replace("tls: {ca: /etc/cscs/ca.pem, cert: /etc/cscs/node.pem, key: /etc/cscs/node.key}\n", "");
        assertThatThrownBy(() -> parse(noTls)).hasMessageContaining("insecure: true");
        assertThat(parse(noTls.replace("insecure: false", "insecure: true")).insecure()).isTrue();
    }

    @Test
    void requiredSectionsAreNamed() {
        assertThatThrownBy(() -> parse("insecure: true\n")).hasMessageContaining("node: is required");
        assertThatThrownBy(() -> parse(GOOD.replace("trust:\n  genesis: /etc/cscs/genesis.json\n", "")))
                .hasMessageContaining("trust: is required");
        assertThatThrownBy(() -> parse(GOOD.replace("  peers: [n1@127.0.0.1:7401, n2@127.0.0.1:7411, n3@127.0.0.1:7421]\n", "")))
                .hasMessageContaining("raft.peers");
    }

    @Test
    void anEdgeAgentConfigHasServersInsteadOfRaft() {
        String edge = GOOD.replaceAll("(?s)raft:.*?api:", "server: {endpoints: [\"http://10.0.0.1:7400\", \"http://10.0.0.2:7400\"]}\napi:");
        ServerConfig c = parse(edge);
        assertThat(c.raft()).isNull();
        assertThat(c.edge().endpoints()).containsExactly("http://10.0.0.1:7400", "http://10.0.0.2:7400");
    }

    @Test
    void anEdgeAgentServesMetricsOnLoopbackOnly() {
        String edge = GOOD.replaceAll("(?s)raft:.*?api:", "server: {endpoints: [\"http://10.0.0.1:7400\"]}\napi:");
        assertThat(parse(edge).metricsListen()).isNull();
        assertThat(parse(edge + "metrics: {listen: 127.0.0.1:9465}\n").metricsListen().toString()).isEqualTo("127.0.0.1:9465");
        HostPort v6 = parse(edge + "metrics: {listen: \"[::1]:9465\"}\n").metricsListen();
        assertThat(v6.port()).isEqualTo(9465);
        assertThat(v6.socketHost()).isEqualTo("::1");
        assertThat(parse(edge + "metrics: {listen: 127.0.0.1:9465}\n").metricsListen().socketHost()).isEqualTo("127.0.0.1");
        assertThat(parse(edge + "metrics: {listen: 127.255.0.9:9465}\n").metricsListen().toString()).isEqualTo("127.255.0.9:9465");
        // dotted quads that are no address would be looked up as names
        for (String outside : new String[] {"10.0.0.5:9465", "0.0.0.0:9465", "127.0.0.1.example.net:9465", "127.evil:9465",
            "127.999.0.1:9465", "127.0.256.1:9465", "127.0.0.01:9465"}) {
            assertThatThrownBy(() -> parse(edge + "metrics: {listen: \"" + outside + "\"}\n"))
                    .as(outside).hasMessageContaining("metrics.listen").hasMessageContaining("not a loopback address");
        }
        assertThatThrownBy(() -> parse(edge + "metrics: {listen: 127.0.0.1:9465, port: 1}\n")).hasMessageContaining("metrics.port: unknown key");
    }

    @Test
    void aClusterNodeHasNoMetricsListenOfItsOwn() {
        assertThatThrownBy(() -> parse(GOOD + "metrics: {listen: 127.0.0.1:9465}\n"))
                .hasMessageContaining("metrics.listen: is for edge agents");
    }
}
