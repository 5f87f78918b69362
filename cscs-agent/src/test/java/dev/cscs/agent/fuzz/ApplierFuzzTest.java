package dev.cscs.agent.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cscs.agent.applier.Applier;
import dev.cscs.agent.applier.Appliers;
import dev.cscs.agent.applier.ApplyContext;
import dev.cscs.agent.applier.DesiredEntry;
import dev.cscs.agent.applier.FileOp;
import dev.cscs.agent.applier.Plan;
import dev.cscs.agent.os.CommandRunner;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.json.StrictJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Any key name and JSON value given to any applier end in a typed {@link CscsException} from
 * validate, or in a plan whose rendered files keep the file format's structure: one INI
 * section, deb822 fields only, one {@code key = value} per sysctl line, balanced nft braces and
 * only our table, no {@code Match}/{@code Include} in sshd. Planning runs against an empty
 * temp root with {@code live=false} and a runner that answers every command with success.
 *
 * <p>Input: byte 0 picks the applier ({@code '0'}..{@code '5'} in the seeds: yum, apt, sysctl,
 * firewall, sshd, service), the rest of the first line is the key name, the rest is the value.
 */
class ApplierFuzzTest {
    private static final String HEADER = "# Managed by cscs - do not edit; changes are reverted.\n";
    private static final ApplyContext CTX;

    static {
        try {
            Path root = Files.createTempDirectory("cscs-fuzz-root");
            root.toFile().deleteOnExit();
            CTX = ApplyContext.builder(root).runner(c -> new CommandRunner.Result(0, "", "", false)).live(false)
                    .protectedPorts(List.of(7400, 7401)).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void validateAndRender(byte[] input) {
        if (input.length < 2) {
            return;
        }
        Applier applier = Appliers.all().get((input[0] & 0xff) % Appliers.all().size());
        int nl = 1;
        while (nl < input.length && input[nl] != '\n') {
            nl++;
        }
        String name = new String(input, 1, nl - 1, StandardCharsets.UTF_8);
        JsonNode value;
        try {
            value = StrictJson.parse(Arrays.copyOfRange(input, Math.min(nl + 1, input.length), input.length), 16, "fuzz input");
        } catch (CscsException notJson) {
            return;
        }
        try {
            applier.validate(name, value);
        } catch (CscsException rejected) {
            return;
        }
        Plan plan;
        try {
            plan = applier.plan(List.of(new DesiredEntry("fuzz", name, value)), CTX);
        } catch (CscsException e) {
            throw new IllegalStateException("a value validate accepted does not render: " + e.getMessage(), e);
        }
        for (FileOp op : plan.files()) {
            if (op instanceof FileOp.Write w) {
                check(applier.name(), w.path(), w.content());
            }
        }
    }

    private static void check(String applier, String path, String text) {
        if (!text.startsWith(HEADER) || !text.endsWith("\n")) {
            throw new IllegalStateException(path + ": no ownership header or no final newline");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f || c == 0x85 || c == 0x2028 || c == 0x2029) {
                throw new IllegalStateException(path + ": control character " + (int) c + " at " + i);
            }
        }
        List<String> lines = text.lines().filter(l -> !l.startsWith("#")).toList();
        switch (applier) {
            case "yum" -> require(path, lines.stream().filter(l -> l.startsWith("[")).count() == 1
                    && lines.stream().allMatch(l -> l.startsWith("[") || l.matches("[a-z_]+=\\S.*")), "one section of option=value lines");
            case "apt" -> require(path, path.endsWith(".asc") || lines.stream().allMatch(l -> l.matches("[A-Za-z-]+: \\S.*")),
                    "deb822 fields only, no blank line");
            case "sysctl" -> require(path, lines.stream().allMatch(l -> l.matches("[A-Za-z0-9_.-]+ = [^=#;]+")), "one key = value per line");
            case "firewall" -> {
                long open = text.chars().filter(c -> c == '{').count();
                long close = text.chars().filter(c -> c == '}').count();
                require(path, open == close, "balanced braces");
                require(path, lines.stream().filter(l -> !l.startsWith("\t") && !l.isEmpty()).toList().equals(List.of("table inet cscs {}",
                        "delete table inet cscs", "table inet cscs {", "}")), "only table inet cscs");
            }
            case "sshd" -> require(path, lines.stream().allMatch(l -> l.matches("[A-Za-z0-9]+ \\S.*")
                    && !l.toLowerCase(Locale.ROOT).startsWith("match ") && !l.toLowerCase(Locale.ROOT).startsWith("include ")),
                    "one global option per line");
            default -> {
            }
        }
    }

    private static void require(String path, boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(path + ": rendered file breaks its format: expected " + what);
        }
    }
}
