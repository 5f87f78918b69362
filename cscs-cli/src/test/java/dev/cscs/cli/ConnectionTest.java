package dev.cscs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Connection settings resolve flag > environment > context > default, each setting on its own. */
class ConnectionTest {
    @TempDir
    Path dir;

    @Command(name = "t")
    static final class Holder {
        @Mixin
        GlobalOptions global;
    }

    private static GlobalOptions flags(String... args) {
        Holder h = new Holder();
        new CommandLine(h).parseArgs(args);
        return h.global;
    }

    private Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>();
        m.put("HOME", dir.toString());
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private Path config(String yaml) throws IOException {
        Path f = dir.resolve("config.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void withNothingSetTheLoopbackDefaultAndTenSeconds() {
        Connection c = Connection.resolve(flags(), env());
        assertThat(c.endpoints()).containsExactly("http://127.0.0.1:7400");
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.cacert()).isNull();
    }

    @Test
    void theCurrentContextIsUsedWhenNoFlagOrVariableIsSet() throws IOException {
        Path f = config("current: prod\ncontexts:\n  prod:\n    endpoints: [https://n1:7400, https://n2:7400]\n"
                + "    cacert: ca.pem\n    cert: /abs/me.pem\n    key: me.key\n    timeout: 3s\n  dev: {endpoints: [http://d:7400]}\n");
        Connection c = Connection.resolve(flags(), env("CSCS_CONFIG", f.toString()));
        assertThat(c.endpoints()).containsExactly("https://n1:7400", "https://n2:7400");
        assertThat(c.cacert()).isEqualTo(dir.resolve("ca.pem"));
        assertThat(c.cert()).isEqualTo(Path.of("/abs/me.pem"));
        assertThat(c.key()).isEqualTo(dir.resolve("me.key"));
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(Connection.resolve(flags("--context", "dev"), env("CSCS_CONFIG", f.toString())).endpoints())
                .containsExactly("http://d:7400");
    }

    @Test
    void theDefaultConfigFileIsUnderHome() throws IOException {
        Path f = dir.resolve(".config/cscs/config.yaml");
        Files.createDirectories(f.getParent());
        Files.writeString(f, "current: a\ncontexts: {a: {endpoints: [http://a:1]}}\n");
        assertThat(Connection.resolve(flags(), env()).endpoints()).containsExactly("http://a:1");
    }

    @Test
    void environmentBeatsTheContextAndFlagsBeatTheEnvironment() throws IOException {
        Path f = config("current: prod\ncontexts: {prod: {endpoints: [http://ctx:1], cacert: ctx.pem, cert: c.pem, key: c.key}}\n");
        Map<String, String> env = env("CSCS_CONFIG", f.toString(), "CSCS_ENDPOINTS", "http://e1:1, http://e2:1",
                "CSCS_ENDPOINT", "http://single:1", "CSCS_CACERT", "/env/ca.pem", "CSCS_TIMEOUT", "500ms");
        Connection fromEnv = Connection.resolve(flags(), env);
        assertThat(fromEnv.endpoints()).containsExactly("http://e1:1", "http://e2:1");
        assertThat(fromEnv.cacert()).isEqualTo(Path.of("/env/ca.pem"));
        assertThat(fromEnv.cert()).isEqualTo(dir.resolve("c.pem"));
        assertThat(fromEnv.timeout()).isEqualTo(Duration.ofMillis(500));

        Connection fromFlags = Connection.resolve(flags("--endpoint", "http://f:1", "--endpoints", "http://g:1,http://h:1",
                "--cacert", "/flag/ca.pem", "--timeout", "2m"), env);
        assertThat(fromFlags.endpoints()).containsExactly("http://f:1", "http://g:1", "http://h:1");
        assertThat(fromFlags.cacert()).isEqualTo(Path.of("/flag/ca.pem"));
        assertThat(fromFlags.timeout()).isEqualTo(Duration.ofMinutes(2));

        env.remove("CSCS_ENDPOINTS");
        assertThat(Connection.resolve(flags(), env).endpoints()).containsExactly("http://single:1");
    }

    @Test
    void anUnknownKeyIsNamedWithItsFileLineAndColumn() throws IOException {
        Path f = config("current: prod\ncontexts:\n  prod:\n    endpoint: [http://x:1]\n");
        assertThatThrownBy(() -> Connection.resolve(flags(), env("CSCS_CONFIG", f.toString())))
                .isInstanceOf(CscsException.class)
                .hasMessageContaining(f + ":4:5").hasMessageContaining("unknown key \"contexts.prod.endpoint\"")
                .satisfies(e -> assertThat(((CscsException) e).code()).isEqualTo(ErrorCode.BAD_CONFIG));
        Path broken = config("contexts: {a: [unclosed\n");
        assertThatThrownBy(() -> Connection.resolve(flags(), env("CSCS_CONFIG", broken.toString())))
                .hasMessageContaining(broken.toString() + ":")
                .satisfies(e -> assertThat(((CscsException) e).code()).isEqualTo(ErrorCode.BAD_CONFIG));
    }

    @Test
    void anUnknownContextListsTheKnownOnes() throws IOException {
        Path f = config("contexts: {a: {}, b: {}}\n");
        assertThatThrownBy(() -> Connection.resolve(flags("--context", "prod"), env("CSCS_CONFIG", f.toString())))
                .hasMessageContaining("no context \"prod\"").hasMessageContaining("a, b");
    }

    @Test
    void aMissingExplicitConfigFileIsAnErrorButAMissingDefaultIsNot() {
        assertThatThrownBy(() -> Connection.resolve(flags(), env("CSCS_CONFIG", dir.resolve("nope.yaml").toString())))
                .hasMessageContaining("nope.yaml");
        assertThat(Connection.resolve(flags(), env()).endpoints()).hasSize(1);
    }

    @Test
    void aTimeoutThatIsNotADurationIsAUsageError() {
        for (String bad : List.of("10", "0s", "ten", "61m", "-1s")) {
            assertThatThrownBy(() -> Connection.resolve(flags("--timeout", bad), env()))
                    .as(bad).isInstanceOf(CscsException.class).hasMessageContaining("--timeout");
        }
    }

    @Test
    void aBadTimeoutIsNamedWhereItCameFrom() throws IOException {
        assertThatThrownBy(() -> Connection.resolve(flags(), env("CSCS_TIMEOUT", "10")))
                .hasMessageContaining("CSCS_TIMEOUT \"10\"").hasMessageNotContaining("--timeout");
        Path f = config("current: prod\ncontexts:\n  prod:\n    timeout: ten\n");
        assertThatThrownBy(() -> Connection.resolve(flags(), env("CSCS_CONFIG", f.toString())))
                .hasMessageContaining(f + ":4:").hasMessageContaining("contexts.prod.timeout")
                .satisfies(e -> assertThat(((CscsException) e).code()).isEqualTo(ErrorCode.BAD_CONFIG));
    }

    @Test
    void anEmptyCscsConfigMeansTheDefaultFile() {
        assertThat(Connection.resolve(flags(), env("CSCS_CONFIG", "")).endpoints()).containsExactly("http://127.0.0.1:7400");
    }

    @Test
    void offlineVerbsListNoConnectionOptionsAndOnlineVerbsListThemAll() {
        for (String offline : new String[] {"keygen", "verify", "ca issue", "cosign"}) {
            String help = CliRun.of((offline + " --help").split(" ")).out();
            assertThat(help).as(offline).contains("--output").contains("--passphrase-file")
                    .doesNotContain("--endpoint").doesNotContain("--cacert").doesNotContain("--context");
        }
        assertThat(CliRun.of("trust", "init", "--help").out()).doesNotContain("--endpoint");
        for (String online : new String[] {"get", "watch", "health", "audit", "status"}) {
            assertThat(CliRun.of(online, "--help").out()).as(online).contains("--endpoints").contains("--context")
                    .contains("--timeout").contains("--cacert").contains("--output");
        }
    }

    @Test
    void completionScriptsNameEveryVerb() {
        String bash = CliRun.of("completion", "bash").ok().out();
        assertThat(bash).contains("health").contains("audit").contains("--genesis");
        assertThat(CliRun.of("completion", "zsh").ok().out()).startsWith("#compdef cscs").contains("bashcompinit");
        String fish = CliRun.of("completion", "fish").ok().out();
        assertThat(fish).contains("complete -c cscs -n '__fish_use_subcommand' -a health")
                .contains("complete -c cscs -n '__fish_seen_subcommand_from audit' -l genesis -r")
                .contains("-n '__fish_seen_subcommand_from member' -a ls");
        assertThat(CliRun.of("completion", "tcsh").exit()).isEqualTo(2);
    }
}
