package dev.cscs.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads one agent's {@code audit.jsonl} (cscs-agent's AuditLog: one line per applier change,
 * listing every desired key with the (domain, seq, digest) it came from, and one per drift found,
 * per interrupted apply rolled back at start, per refusal) and checks:
 * <ul>
 *   <li>the log exists (every agent applied a file during the warm-up) and has no {@code refused}
 *       line: every changeset of the run is validly signed, so a refusal is a finding;</li>
 *   <li>every source of an applied or drift-corrected line is in the verified chain: that digest
 *       at that seq, and that changeset puts that key (nothing unsigned or forged was applied);</li>
 *   <li>per key and domain, the source seq never goes backwards (nothing out of order);</li>
 *   <li>drift (a {@code drift} line, a drift-corrected change) needs a cause: a tamper with this
 *       agent's files since its previous change line, or shortly before it (the tamper may land
 *       while that apply runs);</li>
 *   <li>a line that applies exactly the sources of the previous one is a re-application: it must
 *       be a drift correction (the ownership manifest persists, so even drift made while the agent
 *       was down is reported as such), or follow a {@code recovered} line of that applier (an
 *       interrupted apply rolled back at start). Anything else is a double apply.</li>
 * </ul>
 * The agents of the servers are never tampered with: any drift of theirs is a finding.
 */
final class AuditCheck {
    /** How long before a change line a tamper may have happened and still be the drift seen after it. */
    private static final Duration TAMPER_SLACK = Duration.ofSeconds(5);
    final List<String> issues = new ArrayList<>();
    int applied;
    int driftCorrected;

    /** {@code tampers}: when the nemesis changed this agent's files behind its back (wall clock, like the audit lines). */
    AuditCheck(String who, Path audit, List<Instant> tampers, ChainCheck chain) throws IOException {
        if (!Files.exists(audit)) {
            // after the warm-up every agent has applied a file, and each apply writes a line
            issues.add(who + ": no audit log at " + audit + ": nothing it applied can be checked");
            return;
        }
        Map<String, Long> lastSeq = new HashMap<>();
        Map<String, String> previous = new HashMap<>();
        Map<String, Instant> previousAt = new HashMap<>();
        Set<String> recovered = new HashSet<>();
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
            String applier = line.path("applier").asText();
            Instant at = Instant.parse(line.path("time").asText());
            Instant since = previousAt.containsKey(applier) ? previousAt.get(applier).minus(TAMPER_SLACK) : Instant.MIN;
            switch (event) {
                // every changeset of the run is validly signed and in order: nothing should be refused
                case "refused" -> issues.add(who + " line " + (i + 1) + ": refused " + refused(line));
                case "recovered" -> recovered.add(applier);
                case "drift" -> {
                    if (!tamperedBetween(tampers, since, at)) {
                        issues.add(who + " line " + (i + 1) + ": drift of " + line.path("path").asText()
                                + " found, with no tamper of its files since its previous change");
                    }
                }
                default -> {
                }
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
            previousAt.put(applier, at);
            if (drift && !tamperedBetween(tampers, since, at)) {
                issues.add(who + " line " + (i + 1) + ": a drift correction of " + applier + " " + sources
                        + " with no tamper of its files since its previous change");
            }
            if (!drift && was != null && was.equals(previous.get(applier)) && !recovered.contains(applier)) {
                issues.add(who + " line " + (i + 1) + ": re-applied the same " + applier + " sources " + sources
                        + " as 'applied', neither a drift correction nor after a recovery: a double apply");
            }
            recovered.remove(applier);
        }
    }

    /** What a {@code refused} line names: a changeset, or a whole snapshot (no domain), and why. */
    private static String refused(JsonNode line) {
        String what = line.has("domain") ? line.path("domain").asText() + " seq " + line.path("seq").asLong() : "a snapshot";
        return what + " at revision " + line.path("revision").asLong() + " (" + line.path("code").asText() + ": "
                + line.path("message").asText() + ")";
    }

    private static boolean tamperedBetween(List<Instant> tampers, Instant from, Instant to) {
        // audit times are truncated to milliseconds
        return tampers.stream().anyMatch(t -> !t.isBefore(from) && !t.isAfter(to.plusMillis(1)));
    }
}
