package dev.cscs.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Whether an agent's sandbox holds exactly the final desired state: for each key of its
 * domains (the later domain wins) the file {@code etc/yum.repos.d/cscs-<name>.repo} with that
 * value's baseurl, and no other managed file.
 */
final class Convergence {
    private Convergence() {
    }

    /** The names of the managed files in the agent's sandbox. */
    static TreeSet<String> managed(Path root) {
        Path dir = root.resolve("etc/yum.repos.d");
        TreeSet<String> have = new TreeSet<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("cscs-")).forEach(have::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return have;
    }

    /** What differs, empty when converged. */
    static List<String> diff(Path root, List<String> domains, ChainCheck chain) {
        Map<String, String> want = new TreeMap<>();
        for (String d : domains) {
            want.putAll(chain.finalState(d));
        }
        List<String> out = new ArrayList<>();
        Path dir = root.resolve("etc/yum.repos.d");
        TreeSet<String> have;
        try {
            have = managed(root);
        } catch (UncheckedIOException e) {
            return List.of(dir + ": " + e.getMessage());
        }
        for (Map.Entry<String, String> e : want.entrySet()) {
            String file = "cscs-" + e.getKey().substring("yum/".length()) + ".repo";
            have.remove(file);
            try {
                String text = Files.readString(dir.resolve(file));
                if (!text.contains("baseurl=https://chaos.invalid/" + e.getValue() + "/")) {
                    out.add(file + " does not hold " + e.getValue());
                }
            } catch (IOException ex) {
                out.add(file + " missing (" + e.getValue() + ")");
            }
        }
        have.forEach(f -> out.add(f + " is not desired"));
        return out;
    }
}
