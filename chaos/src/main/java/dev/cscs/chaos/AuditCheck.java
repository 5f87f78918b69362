package dev.cscs.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads one agent's {@code audit.jsonl} (cscs-agent's AuditLog: one line per applier change,
 * listing every desired key with the (domain, seq, digest) it came from) and checks, over its
 * applied and drift-corrected lines:
 * <ul>
 *   <li>every source is in the verified chain: that digest at that seq, and that changeset puts
 *       that key (nothing unsigned or forged was applied);</li>
 *   <li>per key and domain, the source seq never goes backwards (nothing out of order);</li>
 *   <li>a line that applies exactly the sources of the previous one is a re-application: it must
 *       be a drift correction, unless the process restarted in between (a restarted agent cannot
 *       know its files drifted while it was down).</li>
 * </ul>
 */
final class AuditCheck {
    final List<String> issues = new ArrayList<>();
    int applied;
    int driftCorrected;
    int refused;

    AuditCheck(String who, Path audit, List<Instant> starts, ChainCheck chain) throws IOException {
        if (!Files.exists(audit)) {
            return;
        }
        Map<String, Long> lastSeq = new HashMap<>();
        Map<String, String> previous = new HashMap<>();
        Map<String, Instant> previousAt = new HashMap<>();
        List<String> lines = Files.readAllLines(audit);
        for (int i = 0; i < lines.size(); i++) {
            JsonNode line;
            try {
                line = Api.JSON.readTree(lines.get(i));
            } catch (IOException e) {
                issues.add(who + " audit line " + (i + 1) + " is not JSON (torn?): " + lines.get(i));
                continue;
            }
            String event = line.path("event").asText();
            if (event.equals("refused")) {
                refused++;
                continue;
            }
            String result = line.path("result").asText();
            if (!event.equals("change") || !(result.equals("applied") || result.equals("drift-corrected"))) {
                continue;
            }
            boolean drift = result.equals("drift-corrected");
            if (drift) {
                driftCorrected++;
            } else {
                applied++;
            }
            String applier = line.path("applier").asText();
            Instant at = Instant.parse(line.path("time").asText());
            Map<String, String> sources = new TreeMap<>();
            for (JsonNode k : line.path("keys")) {
                String key = k.path("key").asText();
                String domain = k.path("domain").asText();
                long seq = k.path("seq").asLong();
                String digest = k.path("digest").asText();
                sources.put(key, domain + "@" + seq);
                ChainCheck.Entry e = chain.at(domain, seq);
                if (e == null || !e.digest().equals(digest) || !e.key().equals(key)) {
                    issues.add(who + " line " + (i + 1) + ": applied " + key + " from " + domain + " seq " + seq + " " + digest
                            + ", which is not that key's changeset in the verified chain (" + e + ")");
                }
                Long before = lastSeq.put(key + "@" + domain, seq);
                if (before != null && seq < before) {
                    issues.add(who + " line " + (i + 1) + ": " + key + " of " + domain + " went back from seq " + before + " to " + seq);
                }
            }
            String was = previous.put(applier, sources.toString() + line.path("deleted"));
            Instant wasAt = previousAt.put(applier, at);
            if (!drift && was != null && was.equals(previous.get(applier)) && !restartedBetween(starts, wasAt, at)) {
                issues.add(who + " line " + (i + 1) + ": re-applied the same " + applier + " sources " + sources
                        + " as 'applied', not as a drift correction, with no restart in between");
            }
        }
    }

    private static boolean restartedBetween(List<Instant> starts, Instant from, Instant to) {
        // audit times are truncated to milliseconds
        return starts.stream().anyMatch(s -> !s.isBefore(from.minusMillis(1)) && !s.isAfter(to.plusMillis(1)));
    }
}
