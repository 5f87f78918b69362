package dev.cscs.core.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cscs.core.error.CscsException;
import dev.cscs.core.model.Digest;
import dev.cscs.core.model.JsonFields;
import dev.cscs.core.model.Labels;
import dev.cscs.core.model.Names;
import dev.cscs.core.trust.Selector;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A changeset's rollout plan: its waves, in order, and the gates a wave must pass before the next
 * opens. {@code {"waves": [{"name": "canary", "selector": {"ring": ["canary"]}}, {"name": "half",
 * "percent": 50}, {"name": "all"}], "minAppliedPercent": 90, "maxFailedPercent": 5, "soakSeconds": 600}}.
 * Shares are whole percentages: signed JSON holds no fractions (they have no one canonical form).
 *
 * <p>A device is in the first wave whose selector matches its labels (no selector: every device)
 * and whose percentage takes its bucket: a number in [0, 10000) from SHA-256 of the node id and the
 * changeset's digest, so each device computes its own wave, a later changeset draws the buckets
 * anew, and raising a wave's percentage only ever adds devices to it. The last wave takes every
 * device, so a rollout that completes leaves none behind.
 */
public record RolloutPlan(List<Wave> waves, int minAppliedPercent, int maxFailedPercent, Duration soak) {
    public static final int MAX_WAVES = 10;
    static final int BUCKETS = 10_000;
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    private static final Set<String> FIELDS = Set.of("waves", "minAppliedPercent", "maxFailedPercent", "soakSeconds");

    /** One wave: the devices its selector matches (all, without one), {@code percent} of them (1 to 100). */
    public record Wave(String name, Optional<Selector> selector, int percent) {
        boolean takesEveryone() {
            return selector.isEmpty() && percent == 100;
        }
    }

    public RolloutPlan {
        waves = List.copyOf(waves);
    }

    /** Parses a plan strictly: a field out of place, a bad number or a last wave that leaves devices behind is {@code MALFORMED}, with where. */
    public static RolloutPlan parse(JsonNode n, String path) {
        JsonFields.object(n, path, Set.of("waves"), FIELDS);
        JsonNode list = JsonFields.array(n, "waves", path);
        if (list.isEmpty() || list.size() > MAX_WAVES) {
            throw CscsException.malformed(path + ".waves: 1 to " + MAX_WAVES + " waves, not " + list.size());
        }
        List<Wave> waves = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String at = path + ".waves[" + i + "]";
            JsonNode w = JsonFields.object(list.get(i), at, Set.of("name"), Set.of("selector", "percent"));
            String name = JsonFields.text(w, "name", at);
            if (!NAME.matcher(name).matches() || !names.add(name)) {
                throw CscsException.malformed(at + ".name: " + Names.shown(name)
                        + " is not a new wave name ([a-z0-9][a-z0-9-]{0,31}, once per plan)");
            }
            Optional<Selector> selector = w.has("selector") ? Optional.of(Selector.parse(w.get("selector"), at + ".selector"))
                    : Optional.empty();
            long percent = w.has("percent") ? JsonFields.integer(w, "percent", at) : 100;
            if (percent < 1 || percent > 100) {
                throw CscsException.malformed(at + ".percent: " + percent + " is not 1 to 100");
            }
            waves.add(new Wave(name, selector, (int) percent));
        }
        if (!waves.get(waves.size() - 1).takesEveryone()) {
            throw CscsException.malformed(path + ".waves: the last wave (" + waves.get(waves.size() - 1).name()
                    + ") must take every device (no selector, percent 100), so that a completed rollout leaves none behind");
        }
        int minApplied = percent(n, "minAppliedPercent", path, 100);
        int maxFailed = percent(n, "maxFailedPercent", path, 0);
        long soak = n.has("soakSeconds") ? JsonFields.integer(n, "soakSeconds", path) : 0;
        if (soak < 0 || soak > Duration.ofDays(30).toSeconds()) {
            throw CscsException.malformed(path + ".soakSeconds: " + soak + " is not 0 to 30 days");
        }
        return new RolloutPlan(waves, minApplied, maxFailed, Duration.ofSeconds(soak));
    }

    private static int percent(JsonNode n, String field, String path, int dflt) {
        if (!n.has(field)) {
            return dflt;
        }
        long v = JsonFields.integer(n, field, path);
        if (v < 0 || v > 100) {
            throw CscsException.malformed(path + "." + field + ": " + v + " is not a percentage from 0 to 100");
        }
        return (int) v;
    }

    public ObjectNode toTree() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        var list = o.putArray("waves");
        for (Wave w : waves) {
            ObjectNode x = list.addObject().put("name", w.name());
            w.selector().ifPresent(s -> x.set("selector", s.toTree()));
            if (w.percent() != 100) {
                x.put("percent", w.percent());
            }
        }
        return o.put("minAppliedPercent", minAppliedPercent).put("maxFailedPercent", maxFailedPercent)
                .put("soakSeconds", soak.toSeconds());
    }

    /** The index of the wave {@code node} (with {@code labels}) is in, for the changeset of {@code digest}. */
    public int waveOf(String node, Labels labels, Digest digest) {
        int bucket = bucket(node, digest);
        for (int i = 0; i < waves.size(); i++) {
            Wave w = waves.get(i);
            if (w.selector().map(s -> s.matches(labels)).orElse(true) && bucket < w.percent() * (BUCKETS / 100)) {
                return i;
            }
        }
        return waves.size() - 1;
    }

    /** [0, 10000): the first 8 bytes of SHA-256("cscs-rollout-v1\n" || digest || "\n" || node), unsigned, mod 10000. */
    static int bucket(String node, Digest digest) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] h = sha.digest(("cscs-rollout-v1\n" + digest + "\n" + node).getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (h[i] & 0xff);
            }
            return (int) Long.remainderUnsigned(v, BUCKETS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
