package dev.cscs.agent.applier;

import static dev.cscs.agent.applier.Support.entry;
import static dev.cscs.agent.applier.Support.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cscs.agent.os.FileState;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Firewall merge, rendering, anti-lockout and the apply cycle against a scripted runner (the real kernel: FirewallNetnsTest). */
class FirewallApplierTest {
    static final String BASE = """
            {"policy": "drop", "rules": [
              {"action": "accept", "proto": "tcp", "dport": 22, "saddr": "10.0.0.0/8", "comment": "ssh from the LAN"},
              {"action": "accept", "proto": "icmp"},
              {"action": "accept", "proto": "icmpv6"}]}""";
    static final String WEB = """
            {"policy": {"forward": "drop"}, "rules": [
              {"action": "accept", "proto": "tcp", "dport": [80, 443, "8000-8080"]},
              {"action": "reject", "proto": "udp", "dport": "60000-61000", "saddr": ["2001:DB8:0:0::/32", "fe80::/10"]},
              {"action": "drop", "chain": "output", "proto": "tcp", "dport": 25, "oif": "eth0", "daddr": "192.0.2.0/24"},
              {"action": "accept", "chain": "forward", "iif": "wg*", "oif": "eth0"}]}""";

    final FirewallApplier fw = new FirewallApplier();
    @TempDir
    Path root;

    static List<DesiredEntry> desired() {
        return List.of(entry("global", "base", BASE), entry("factory-a", "web", WEB));
    }

    ApplyContext ctx(FakeRunner runner) {
        return ApplyContext.builder(root).runner(runner).clock(Support.CLOCK).protectedPorts(List.of(7401, 7400)).build();
    }

    @Test
    void rendersTheMergedTableLikeTheGoldenFile() {
        Support.converge(fw, desired(), ctx(new FakeRunner()));
        Support.assertGolden("firewall/cscs.nft", Support.read(root.resolve(FirewallApplier.FILE)));
    }

    @Test
    void theFileReplacesOnlyTableInetCscs() {
        Support.converge(fw, desired(), ctx(new FakeRunner()));
        String text = Support.read(root.resolve(FirewallApplier.FILE));
        assertThat(text).contains("table inet cscs {}\ndelete table inet cscs\ntable inet cscs {\n");
        assertThat(text.lines().filter(l -> l.startsWith("table ") || l.startsWith("delete ") || l.startsWith("flush ")))
                .containsExactly("table inet cscs {}", "delete table inet cscs", "table inet cscs {");
    }

    @Test
    void antiLockoutComesFirstUnlessAnEntryAllowsLockout() {
        ApplyContext ctx = ctx(new FakeRunner());
        String with = ((FileApplier.Content) fw.render(desired(), ctx).files().get(FirewallApplier.FILE)).text();
        assertThat(with).contains("policy drop;\n\t\tct state established,related accept comment \"cscs anti-lockout\"\n"
                + "\t\tiifname \"lo\" accept comment \"cscs anti-lockout\"\n");
        assertThat(with).contains("\t\ttcp dport { 7400, 7401 } accept comment \"cscs anti-lockout\"\n\t\t# global/base\n");

        List<DesiredEntry> forced = List.of(desired().get(0), desired().get(1), entry("factory-a", "zz-force", "{\"allowLockout\": true}"));
        FileApplier.Rendered r = fw.render(forced, ctx);
        assertThat(((FileApplier.Content) r.files().get(FirewallApplier.FILE)).text()).doesNotContain("anti-lockout");
        assertThat(r.notes()).contains("firewall: anti-lockout is off (allowLockout: true in factory-a/zz-force): the cluster "
                + "ports are not kept open");
    }

    @Test
    void theLastEntryThatSetsAChainPolicyWins() {
        List<DesiredEntry> two = List.of(entry("global", "base", BASE), entry("factory-a", "open", "{\"policy\": \"accept\"}"));
        Plan plan = fw.plan(two, ctx(new FakeRunner()));
        assertThat(((FileOp.Write) plan.files().get(0)).content()).contains("hook input priority filter; policy accept;");
        assertThat(plan.notes()).containsExactly("firewall: policy of chain input is accept from factory-a/open, overriding drop from global/base");
    }

    @Test
    void nftChecksAStagedCopyBeforeTheFileIsReplaced() {
        FakeRunner runner = new FakeRunner();
        Support.converge(fw, desired(), ctx(runner));
        assertThat(runner.commands).hasSize(1);
        List<String> argv = runner.commands.get(0).argv();
        assertThat(argv.subList(0, 3)).containsExactly("nft", "-c", "-f");
        assertThat(argv.get(3)).startsWith(root.resolve("etc/nftables.d/.cscs.nft.").toString()).endsWith(".cscs-tmp");
        assertThat(Path.of(argv.get(3))).doesNotExist();
    }

    @Test
    void aRulesetNftRefusesChangesNothing() {
        Support.converge(fw, desired().subList(0, 1), ctx(new FakeRunner()));
        FileState before = FileState.read(root.resolve(FirewallApplier.FILE));
        FakeRunner refusing = new FakeRunner().on("nft -c", FakeRunner.fail(1, "x.nft:7:3-9: Error: syntax error"));
        Plan plan = fw.plan(desired(), ctx(refusing));
        assertThatThrownBy(() -> fw.apply(plan, ctx(refusing))).isInstanceOf(RolledBackException.class)
                .hasMessageContaining("nft -c refused the ruleset, nothing was changed: exited 1: x.nft:7:3-9: Error: syntax error");
        assertThat(FileState.read(root.resolve(FirewallApplier.FILE))).isEqualTo(before);
        try (var files = Files.list(root.resolve("etc/nftables.d"))) {
            assertThat(files).containsExactly(root.resolve(FirewallApplier.FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void commitConfirmFailureRestoresThePreviousTableAndFile() {
        Support.converge(fw, desired().subList(0, 1), ctx(new FakeRunner()));
        FileState before = FileState.read(root.resolve(FirewallApplier.FILE));
        FakeRunner runner = new FakeRunner()
                .on("nft list table inet cscs", FakeRunner.ok("table inet cscs { old }\n"))
                .on("nft -j list", FakeRunner.ok("{\"nftables\": []}"));
        ApplyContext live = ApplyContext.builder(root).runner(runner).clock(Support.CLOCK).live(true)
                .protectedPorts(List.of(7400, 7401)).reachability(within -> false, Duration.ofMillis(1500)).build();
        Plan plan = fw.plan(desired(), live);
        assertThat(plan.live()).hasSize(1);
        // the scripted kernel reports the new shape after the load, so only commit-confirm fails
        runner.on("nft -j list", FakeRunner.ok(shapeJson(((LiveAction.NftLoad) plan.live().get(0)).shape())));
        assertThatThrownBy(() -> fw.apply(plan, live))
                .isInstanceOfSatisfying(RolledBackException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                    assertThat(e.reason()).isEqualTo("commit-confirm failed after loading the new ruleset: the node could not "
                            + "reach the cluster within 1500 ms");
                });
        assertThat(FileState.read(root.resolve(FirewallApplier.FILE))).isEqualTo(before);
        assertThat(runner.commands.get(runner.commands.size() - 1).display()).isEqualTo("nft -f -");
        assertThat(new String(runner.commands.get(runner.commands.size() - 1).stdin()))
                .isEqualTo("table inet cscs {}\ndelete table inet cscs\ntable inet cscs { old }\n");
        assertThat(FirewallWatchdog.left(live)).as("restored by the daemon: no watchdog may restore it again later").isEmpty();
    }

    ApplyContext live(FakeRunner runner, Reachability reachability) {
        return ApplyContext.builder(root).runner(runner).clock(Support.CLOCK).live(true)
                .protectedPorts(List.of(7400, 7401)).reachability(reachability, Duration.ofMillis(1500)).build();
    }

    @Test
    void theWatchdogIsArmedWithThePreviousTableBeforeTheLoadAndDisarmedByTheConfirmation() {
        FakeRunner runner = new FakeRunner().on("nft list table inet cscs", FakeRunner.ok("table inet cscs { old }\n"));
        List<String> backups = new ArrayList<>();
        ApplyContext live = live(runner, within -> {
            backups.addAll(FirewallWatchdog.left(live(runner, w -> true)));
            return true;
        });
        Plan plan = fw.plan(desired(), live);
        runner.on("nft -j list", FakeRunner.ok(shapeJson(((LiveAction.NftLoad) plan.live().get(0)).shape())));
        fw.apply(plan, live);
        List<String> shown = runner.displayed();
        int arm = IntStream.range(0, shown.size()).filter(i -> shown.get(i).startsWith("setsid -f sh -c")).findFirst().orElse(-1);
        assertThat(arm).as(shown.toString()).isNotNegative().isLessThan(shown.indexOf("nft -f " + root.resolve(FirewallApplier.FILE)));
        List<String> argv = runner.commands.get(arm).argv();
        assertThat(argv.subList(argv.indexOf("cscs-firewall-watchdog") + 1, argv.size())).containsExactly("31.500",
                live.stateDir().resolve("firewall-confirm/" + backups.get(0) + ".pending").toString(),
                live.stateDir().resolve("firewall-confirm/" + backups.get(0) + ".fired").toString(),
                live.stateDir().resolve("firewall-confirm/" + backups.get(0) + ".nft").toString());
        assertThat(backups).as("armed while confirming").hasSize(1);
        assertThat(FirewallWatchdog.left(live)).as("disarmed by the confirmation").isEmpty();
        assertThat(live.stateDir().resolve("firewall-confirm")).isEmptyDirectory();
    }

    @Test
    void aWatchdogThatCannotStartMeansTheRulesetIsNeverLoaded() {
        FakeRunner runner = new FakeRunner().on("setsid", FakeRunner.fail(1, "setsid: failed to execute sh"));
        ApplyContext live = live(runner, Reachability.assumed());
        assertThatThrownBy(() -> fw.apply(fw.plan(desired(), live), live)).isInstanceOf(RolledBackException.class)
                .hasMessageContaining("cannot start the commit-confirm watchdog, the ruleset was not loaded");
        assertThat(runner.displayed()).doesNotContain("nft -f " + root.resolve(FirewallApplier.FILE));
        assertThat(FirewallWatchdog.left(live)).isEmpty();
    }

    /** A minimal {@code nft -j} listing with the given shape ("input=drop/3 forward=..."). */
    static String shapeJson(String shape) {
        StringBuilder b = new StringBuilder("{\"nftables\": [");
        String sep = "";
        for (String part : shape.split(" ")) {
            String chain = part.substring(0, part.indexOf('='));
            String policy = part.substring(part.indexOf('=') + 1, part.indexOf('/'));
            int n = Integer.parseInt(part.substring(part.indexOf('/') + 1));
            b.append(sep).append("{\"chain\": {\"name\": \"").append(chain).append("\", \"policy\": \"").append(policy).append("\"}}");
            sep = ", ";
            for (int i = 0; i < n; i++) {
                b.append(", {\"rule\": {\"chain\": \"").append(chain).append("\"}}");
            }
        }
        return b.append("]}").toString();
    }

    @Test
    void deletingEveryEntryRemovesTheFileButNeverAnUnmanagedOne() throws Exception {
        ApplyContext ctx = ctx(new FakeRunner());
        Support.converge(fw, desired(), ctx);
        Support.converge(fw, List.of(), ctx);
        assertThat(root.resolve(FirewallApplier.FILE)).doesNotExist();
        Files.writeString(root.resolve(FirewallApplier.FILE), "table inet cscs { }\n");
        assertThat(fw.plan(List.of(), ctx).isEmpty()).isTrue();
        assertThat(fw.plan(desired(), ctx).conflicts()).extracting(Plan.Conflict::message)
                .singleElement().asString().contains("refusing to replace etc/nftables.d/cscs.nft");
        assertThat(root.resolve(FirewallApplier.FILE)).hasContent("table inet cscs { }");
    }

    @Test
    void aRulesetFileCscsDidNotWriteIsNeverLoadedLive() throws Exception {
        Files.createDirectories(root.resolve(FirewallApplier.FILE).getParent());
        Files.writeString(root.resolve(FirewallApplier.FILE), "table inet cscs { }\n");
        ApplyContext live = ApplyContext.builder(root).runner(new FakeRunner()).clock(Support.CLOCK).live(true)
                .protectedPorts(List.of(7401, 7400)).build();
        Plan plan = fw.plan(desired(), live);
        assertThat(plan.conflicts()).extracting(Plan.Conflict::path).containsExactly(FirewallApplier.FILE);
        assertThat(plan.live()).isEmpty();
        assertThat(plan.notes()).contains("firewall: a live action that would load a file in conflict was left out");
    }

    @Test
    void rollbackRestoresByteIdenticalFile() {
        ApplyContext ctx = ctx(new FakeRunner());
        Support.converge(fw, desired().subList(0, 1), ctx);
        FileState before = FileState.read(root.resolve(FirewallApplier.FILE));
        Applied applied = fw.apply(fw.plan(desired(), ctx), ctx);
        assertThat(FileState.read(root.resolve(FirewallApplier.FILE))).isNotEqualTo(before);
        fw.rollback(applied, ctx);
        assertThat(FileState.read(root.resolve(FirewallApplier.FILE))).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '¦', textBlock = """
            newline in a comment         ¦ r   ¦ {"rules": [{"action": "accept", "comment": "x\\n}\\ntable ip evil {"}]} ¦ firewall/r: field "rules[0].comment" contains a line break (U+000A) at index 1
            quote ends the comment       ¦ r   ¦ {"rules": [{"action": "accept", "comment": "x\\" ; flush ruleset ; \\""}]} ¦ field "rules[0].comment" contains '"' at index 1
            shell in interface           ¦ r   ¦ {"rules": [{"action": "accept", "iif": "eth0\\";reboot"}]} ¦ field "rules[0].iif" is not an interface name
            action injection             ¦ r   ¦ {"rules": [{"action": "accept; flush ruleset"}]} ¦ field "rules[0].action" must be accept, drop or reject
            unknown protocol             ¦ r   ¦ {"rules": [{"action": "accept", "proto": "tcp dport 1-65535"}]} ¦ field "rules[0].proto" must be one of ah, esp, gre, icmp, icmpv6, sctp, tcp, udp
            port without protocol        ¦ r   ¦ {"rules": [{"action": "accept", "dport": 22}]} ¦ field "rules[0].dport" needs "proto": "tcp", "udp" or "sctp"
            port out of range            ¦ r   ¦ {"rules": [{"action": "accept", "proto": "tcp", "dport": 70000}]} ¦ field "rules[0].dport" is 70000; it must be from 1 to 65535
            reversed range               ¦ r   ¦ {"rules": [{"action": "accept", "proto": "tcp", "dport": "90-80"}]} ¦ field "rules[0].dport" is 90-80; ports are 1-65535
            host bits set                ¦ r   ¦ {"rules": [{"action": "accept", "saddr": "10.0.0.1/8"}]} ¦ field "rules[0].saddr" "10.0.0.1/8" has host bits set; did you mean 10.0.0.0/8?
            not an address               ¦ r   ¦ {"rules": [{"action": "accept", "saddr": "evil.example"}]} ¦ "evil.example" is not an IPv4 or IPv6 address
            mixed families               ¦ r   ¦ {"rules": [{"action": "accept", "saddr": ["10.0.0.0/8", "::1"]}]} ¦ field "rules[0].saddr" mixes IPv4 and IPv6 addresses
            icmp with IPv6               ¦ r   ¦ {"rules": [{"action": "accept", "proto": "icmp", "saddr": "2001:db8::/32"}]} ¦ field "rules[0].proto" is icmp but the addresses are IPv6
            iif on output                ¦ r   ¦ {"rules": [{"action": "accept", "chain": "output", "iif": "eth0"}]} ¦ field "rules[0].iif" does not apply to the output chain
            unknown chain                ¦ r   ¦ {"rules": [{"action": "accept", "chain": "prerouting"}]} ¦ field "rules[0].chain" must be input, forward or output
            bad policy                   ¦ r   ¦ {"policy": "reject"} ¦ field "policy" must be "drop" or "accept", got "reject"
            bad chain policy             ¦ r   ¦ {"policy": {"input": "drop", "nat": "accept"}} ¦ field "policy" has unknown field "nat"
            unknown rule field           ¦ r   ¦ {"rules": [{"action": "accept", "statement": "flush ruleset"}]} ¦ field "rules[0]" has unknown field "statement"
            empty entry                  ¦ r   ¦ {} ¦ firewall/r: sets nothing: give policy, rules or allowLockout
            slash in name                ¦ a/b ¦ {"policy": "drop"} ¦ key name contains '/'
            dot-dot in name              ¦ a..b ¦ {"policy": "drop"} ¦ key name contains '..'
            """)
    void validateRejectsHostileValuesWithAPreciseMessage(String why, String name, String value, String message) {
        assertThatThrownBy(() -> fw.validate(name, json(value)))
                .isInstanceOfSatisfying(CscsException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE))
                .hasMessageContaining(message);
    }

    @Test
    void validateRejectsOversizedValues() {
        String rules = "[" + "{\"action\": \"accept\"},".repeat(256) + "{\"action\": \"drop\"}]";
        assertThatThrownBy(() -> fw.validate("big", json("{\"rules\": " + rules + "}")))
                .hasMessage("firewall/big: field \"rules\" has 257 items; at most 256");
        String ports = "[" + "1,".repeat(64) + "2]";
        assertThatThrownBy(() -> fw.validate("big", json("{\"rules\": [{\"action\": \"accept\", \"proto\": \"tcp\", \"dport\": " + ports + "}]}")))
                .hasMessage("firewall/big: field \"rules[0].dport\" has 65 items; at most 64");
    }
}
