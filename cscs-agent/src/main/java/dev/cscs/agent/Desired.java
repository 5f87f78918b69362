package dev.cscs.agent;

import dev.cscs.agent.VerifiedChains.Source;
import dev.cscs.agent.VerifiedChains.Value;
import dev.cscs.agent.applier.DesiredEntry;
import dev.cscs.agent.status.StatusReport.KeyOverride;
import dev.cscs.core.model.KeyPath;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The node's desired state, resolved from its verified domains in watch order: when two domains
 * set the same key the later one wins, and the override is recorded.
 *
 * @param byApplier      per applier this node runs (in run order), its entries in domain order, then name
 * @param sources        per full key, the changeset its winning value came from
 * @param overrides      keys several domains set, sorted by key
 * @param ignored        keys of appliers this node does not run, as {@code key (domain)}
 * @param unknownDomains watched domains the trust policy does not name
 */
record Desired(Map<String, List<DesiredEntry>> byApplier, Map<String, Source> sources, List<KeyOverride> overrides,
               List<String> ignored, List<String> unknownDomains) {

    private record Winner(int rank, String domain, KeyPath key, Value value) {
    }

    static Desired resolve(List<String> domains, VerifiedChains chains, List<String> run) {
        Map<String, Winner> winners = new TreeMap<>();
        Map<String, List<String>> overridden = new TreeMap<>();
        List<String> ignored = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (int rank = 0; rank < domains.size(); rank++) {
            String domain = domains.get(rank);
            if (!chains.policy().domains().containsKey(domain) || chains.head(domain) == null) {
                unknown.add(domain);
                continue;
            }
            for (Map.Entry<String, Value> e : chains.values(domain).entrySet()) {
                KeyPath key = KeyPath.parse(e.getKey());
                if (!run.contains(key.applier())) {
                    ignored.add(e.getKey() + " (" + domain + ")");
                    continue;
                }
                Winner before = winners.put(e.getKey(), new Winner(rank, domain, key, e.getValue()));
                if (before != null) {
                    overridden.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(before.domain());
                }
            }
        }
        Map<String, List<DesiredEntry>> byApplier = new LinkedHashMap<>();
        run.forEach(a -> byApplier.put(a, new ArrayList<>()));
        Map<String, Source> sources = new TreeMap<>();
        winners.values().stream()
                .sorted(Comparator.comparingInt(Winner::rank).thenComparing(w -> w.key().name()))
                .forEach(w -> {
                    byApplier.get(w.key().applier()).add(new DesiredEntry(w.domain(), w.key().name(), w.value().value()));
                    sources.put(w.key().toString(), w.value().source());
                });
        byApplier.replaceAll((a, l) -> List.copyOf(l));
        List<KeyOverride> overrides = new ArrayList<>();
        overridden.forEach((key, losers) -> overrides.add(new KeyOverride(key, winners.get(key).domain(), losers)));
        return new Desired(byApplier, sources, overrides, ignored, unknown);
    }
}
