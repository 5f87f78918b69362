package dev.cscs.agent.applier;

import dev.cscs.agent.os.CommandRunner;
import dev.cscs.core.testing.Proc;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fresh network namespace owned by one test: created with {@code ip netns add}, loopback up,
 * deleted on close. Live commands run inside it through the runner's prefix, so no nft rule or
 * net.* sysctl ever reaches the host namespace.
 */
final class Netns implements AutoCloseable {
    final String name;

    Netns() {
        Tools.requireRoot();
        Tools.require("ip", "iproute2");
        name = "cscs-test-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        Proc.run(List.of("ip", "netns", "add", name)).requireOk();
        Proc.run(exec("ip", "link", "set", "lo", "up")).requireOk();
    }

    List<String> prefix() {
        return List.of("ip", "netns", "exec", name);
    }

    /** argv run inside the namespace. */
    List<String> exec(String... argv) {
        List<String> out = new ArrayList<>(prefix());
        out.addAll(List.of(argv));
        return out;
    }

    Proc.Result run(String... argv) {
        return Proc.run(exec(argv), 60);
    }

    /**
     * Connects this namespace to {@code peer} with a veth pair: {@code myAddr} here and
     * {@code peerAddr} there (CIDR notation, e.g. 10.99.0.1/24), both ends up.
     */
    void link(Netns peer, String myAddr, String peerAddr) {
        String suffix = name.substring(name.length() - 6);
        String mine = "cva" + suffix;
        String theirs = "cvb" + suffix;
        Proc.run(List.of("ip", "link", "add", "name", mine, "netns", name, "type", "veth", "peer", "name", theirs,
                "netns", peer.name)).requireOk();
        run("ip", "addr", "add", myAddr, "dev", mine).requireOk();
        run("ip", "link", "set", mine, "up").requireOk();
        peer.run("ip", "addr", "add", peerAddr, "dev", theirs).requireOk();
        peer.run("ip", "link", "set", theirs, "up").requireOk();
    }

    CommandRunner runner() {
        return CommandRunner.system(prefix());
    }

    @Override
    public void close() {
        Proc.run(List.of("ip", "netns", "del", name));
    }
}
