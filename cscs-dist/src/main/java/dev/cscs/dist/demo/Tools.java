package dev.cscs.dist.demo;

import dev.cscs.agent.os.CommandRunner;
import dev.cscs.agent.os.SshdCheckRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The OS tools some appliers check their output with (nft, sshd). The demo runs each applier
 * whose tool works here, and says which it left out and why, instead of failing on a laptop
 * that lacks nftables.
 */
final class Tools {
    private Tools() {
    }

    /** The appliers this machine can run in a sandbox root; {@code notes} gets one line per one left out. */
    static List<String> usableAppliers(Path scratch, List<String> notes) throws IOException {
        List<String> appliers = new ArrayList<>(List.of("yum", "apt", "sysctl", "service"));
        Path nft = scratch.resolve("probe.nft");
        Files.writeString(nft, "table inet cscs_demo_probe {\n}\n");
        String why = run(List.of("nft", "-c", "-f", nft.toString()));
        if (why == null) {
            appliers.add("firewall");
        } else {
            notes.add("firewall applier left out: `nft -c` does not work here (" + why + "); install nftables and run as root");
        }
        Path sshd = scratch.resolve("sshd");
        Files.createDirectories(sshd);
        String keygen = run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", sshd.resolve("key").toString()));
        Files.writeString(sshd.resolve("sshd_config"), "HostKey " + sshd.resolve("key") + "\nPidFile none\n");
        String sshdWhy = keygen != null ? keygen : sshdCheck(sshd.resolve("sshd_config"));
        if (sshdWhy == null) {
            appliers.add("sshd");
        } else {
            notes.add("sshd applier left out: `sshd -t` does not work here (" + sshdWhy + ")");
        }
        return appliers;
    }

    /** The check the sshd applier runs (through the same runner), so the probe fails only where it would. */
    private static String sshdCheck(Path config) {
        var r = SshdCheckRunner.system().run(CommandRunner.Command.of(
                Duration.ofSeconds(20), "sshd", "-t", "-f", config.toString()));
        return r.exit() == 0 ? null : (r.stderr() + r.stdout()).strip().lines().findFirst().orElse("exit " + r.exit());
    }

    /** Null when the command succeeds, else why not. */
    static String run(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return argv.get(0) + " did not finish";
            }
            return p.exitValue() == 0 ? null : (out.isEmpty() ? "exit " + p.exitValue() : out.lines().findFirst().orElse(""));
        } catch (IOException e) {
            return argv.get(0) + " is not installed";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Makes a sandbox root look enough like /etc for sshd -t: a main config that includes the drop-ins, and a host key. */
    static void prepareSshd(Path root) throws IOException {
        Path ssh = Files.createDirectories(root.resolve("etc/ssh"));
        Files.createDirectories(ssh.resolve("sshd_config.d"));
        if (run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", ssh.resolve("ssh_host_ed25519_key").toString())) != null) {
            return;
        }
        Files.writeString(ssh.resolve("sshd_config"), "Include " + ssh.resolve("sshd_config.d") + "/*.conf\nHostKey "
                + ssh.resolve("ssh_host_ed25519_key") + "\nPidFile none\n");
    }
}
