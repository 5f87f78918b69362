package dev.cscs.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.core.constraint.Constraints;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import dev.cscs.core.json.Limits;
import dev.cscs.core.json.StrictJson;
import dev.cscs.core.model.Op;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanTest {
    private static JsonNode json(String s) {
        return StrictJson.parse(s.getBytes(StandardCharsets.UTF_8), Limits.DEFAULT.maxDepth(), "test");
    }

    @Test
    void changedAndNewKeysArePutsAndUnnamedKeysAreDeletes() {
        Plan p = Plan.of("factory-a", Map.of("sysctl/a", json("{\"value\":\"0\"}"), "sysctl/b", json("{\"value\":\"1\"}"),
                "sysctl/c", json("{\"value\":\"1\"}")), Map.of("sysctl/a", json("{\"value\":\"1\"}"), "sysctl/c",
                json("{\"value\":\"1\"}"), "sysctl/d", json("{\"value\":\"2\"}")));
        assertThat(p.ops()).containsExactly(new Op.Put("sysctl/a", json("{\"value\":\"1\"}")), new Op.Delete("sysctl/b"),
                new Op.Put("sysctl/d", json("{\"value\":\"2\"}")));
        assertThat(p.human()).contains("~ sysctl/a", "-   \"value\" : \"0\"", "+   \"value\" : \"1\"", "- sysctl/b", "+ sysctl/d")
                .doesNotContain("sysctl/c");
    }

    @Test
    void everyInvalidValueOfEveryDomainIsReported() {
        Plan a = Plan.of("factory-a", Map.of(), Map.of("service/telnet.socket", json("{\"state\":\"exploded\"}"),
                "sysctl/net.ipv4.ip_forward", json("{\"value\":\"0\"}"), "yum/epel", json("{\"name\":\"EPEL\"}")));
        Plan b = Plan.of("global", Map.of(), Map.of("nosuch/x", json("{}")));
        CscsException e = Plan.refusals(List.of(a, b));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE);
        assertThat(e.getMessage()).startsWith("3 invalid values:")
                .contains("domain factory-a, key service/telnet.socket: field \"state\" must be",
                        "domain factory-a, key yum/epel: exactly one of baseurl",
                        "domain global, key nosuch/x: ").doesNotContain("ip_forward").doesNotContain("socket: service/");
        assertThat(Plan.refusals(List.of(Plan.of("global", Map.of(), Map.of())))).isNull();
    }

    @Test
    void keptAndChangedValuesThatBreakTheDomainsConstraintsAreReportedBeforeAnythingIsSigned() {
        Constraints guard = Constraints.parse(json("{\"sshd\": {\"fields\": {\"settings.PermitRootLogin\": {\"oneOf\": [\"no\"]}}},"
                + " \"sysctl\": {\"names\": [\"net.*\"]}}"), "constraints");
        JsonNode kept = json("{\"value\":\"1\"}");
        Plan p = Plan.of("plant", Map.of("sysctl/kernel.sysrq", kept), Map.of("sysctl/kernel.sysrq", kept,
                "sshd/root", json("{\"settings\":{\"PermitRootLogin\":\"yes\"}}"), "sysctl/net.ipv4.ip_forward", kept), guard);
        assertThat(p.violations()).containsExactlyInAnyOrder(
                "domain plant, key sshd/root breaks constraint sshd.fields.settings.PermitRootLogin: settings.PermitRootLogin is \"yes\"; allowed: \"no\"",
                "domain plant, key sysctl/kernel.sysrq breaks constraint sysctl.names: the name kernel.sysrq matches none of [net.*]");
        CscsException e = Plan.refusals(List.of(p));
        assertThat(e.code()).isEqualTo(ErrorCode.CONSTRAINT);
        assertThat(e.getMessage()).startsWith("2 constraint violations (the trust policy forbids these values; nothing was signed):");
        assertThat(p.json().path("violations")).hasSize(2);
    }
}
