import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cscs.agent.applier.Applied;
import dev.cscs.agent.applier.Applier;
import dev.cscs.agent.applier.Appliers;
import dev.cscs.agent.applier.ApplyContext;
import dev.cscs.agent.applier.DesiredEntry;
import dev.cscs.agent.applier.Plan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Used by packaging/test/sandbox-check: runs the real appliers live at root / (plan, apply,
 * verify), so that they meet the sandbox of cscsd.service. Run with the source launcher:
 * {@code java -cp /usr/share/cscs/cscs.jar SandboxHarness.java ENTRIES}, where ENTRIES has one
 * {@code applier/name {json}} per line. Prints one line per applier and exits 1 if any failed.
 */
public class SandboxHarness {
    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, List<DesiredEntry>> byApplier = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.isBlank()) {
                continue;
            }
            String[] kv = line.split(" ", 2);
            String[] key = kv[0].split("/", 2);
            JsonNode value = json.readTree(kv[1]);
            byApplier.computeIfAbsent(key[0], k -> new ArrayList<>()).add(new DesiredEntry("global", key[1], value));
        }
        ApplyContext ctx = ApplyContext.builder(Path.of("/")).live(true).protectedPorts(List.of(7400, 7401)).build();
        int failed = 0;
        for (Map.Entry<String, List<DesiredEntry>> e : byApplier.entrySet()) {
            Applier applier = Appliers.byName(e.getKey()).orElseThrow();
            try {
                Plan plan = applier.plan(e.getValue(), ctx);
                Applied applied = applier.apply(plan, ctx);
                applier.verify(applied, ctx);
                System.out.println("applier-ok " + applier.name() + ": " + plan.summary());
            } catch (RuntimeException ex) {
                failed++;
                System.out.println("applier-failed " + applier.name() + ": " + ex);
            }
        }
        System.exit(failed == 0 ? 0 : 1);
    }
}
