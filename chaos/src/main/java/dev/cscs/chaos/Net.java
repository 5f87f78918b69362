package dev.cscs.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Partitions as nftables rules in table {@code inet chaos} of the run's own network namespace
 * (chaos/run runs the whole suite inside it; the host's tables are never touched).
 *
 * <p>A cut between A and B drops, on output, A's packets to B's address and B's to A's (which
 * stops every connection's initiator), and the replies each sends on a connection the other
 * opened (matched by the initiator's uid, stamped on the connection's conntrack mark when it
 * opened: connections leave from 127.0.0.1, so the responder's packets carry no address of
 * the initiator). Checked by hand: a TCP stream stalls both ways while cut and resumes on heal.
 */
final class Net {
    private final Collection<Proc> procs;
    private final List<String> cuts = new ArrayList<>();

    Net(Collection<Proc> procs) {
        this.procs = procs;
        apply();
    }

    /** Cuts every pair across the two sides (replacing any earlier cut). */
    synchronized void cut(List<Server> a, List<Server> b) {
        cuts.clear();
        for (Server x : a) {
            for (Server y : b) {
                cuts.add(rule(x, y));
                cuts.add(rule(y, x));
            }
        }
        apply();
    }

    synchronized void heal() {
        cuts.clear();
        apply();
    }

    private static String rule(Server from, Server to) {
        return "    meta skuid " + from.proc().uid + " ip daddr " + to.address() + " drop\n"
                + "    meta skuid " + from.proc().uid + " ct direction reply ct mark " + to.proc().uid + " drop\n";
    }

    private void apply() {
        StringBuilder s = new StringBuilder("table inet chaos {}\ndelete table inet chaos\ntable inet chaos {\n  chain output {\n"
                + "    type filter hook output priority 0; policy accept;\n");
        for (Proc p : procs) {
            s.append("    meta skuid ").append(p.uid).append(" ct state new ct mark set ").append(p.uid).append('\n');
        }
        cuts.forEach(s::append);
        s.append("  }\n}\n");
        nft(s.toString());
    }

    private static void nft(String rules) {
        try {
            Process p = new ProcessBuilder("nft", "-f", "-").redirectErrorStream(true).start();
            p.getOutputStream().write(rules.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("nft refused the chaos table: " + out + "\n" + rules);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
