package dev.cscs.agent.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order of the system calls, as strace sees them in a child JVM: every directory made is
 * fsync'ed into its parent before a file is committed into it, and a file's mode is set before
 * the fsync that makes its bytes durable. (No file-system API shows this order; strace does.)
 */
class DurableOrderTest {
    static final String TRACED = "mkdir,mkdirat,fsync,chmod,fchmodat,fchmod,rename,renameat,renameat2";
    @TempDir
    static Path work;
    static List<String> calls;

    /** The traced child: an {@link AtomicFiles#write} and an {@link AtomicFiles#createNew}, each into new directories. */
    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        AtomicFiles.write(dir.resolve("etc/new.d/f.conf"), "x\n".getBytes(StandardCharsets.UTF_8), PosixFilePermissions.fromString("rw-r-----"));
        AtomicFiles.createNew(dir.resolve("state/quarantine/q"), "y\n".getBytes(StandardCharsets.UTF_8), PosixFilePermissions.fromString("rw-------"));
    }

    @BeforeAll
    static void trace() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/strace")), "strace is not installed");
        Path out = work.resolve("strace.out");
        Path root = Files.createDirectory(work.resolve("root"));
        Process p = new ProcessBuilder("/usr/bin/strace", "-f", "-qq", "-y", "-e", "trace=" + TRACED, "-o", out.toString(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                DurableOrderTest.class.getName(), root.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("child.log").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("traced child finished").isTrue();
        assumeTrue(p.exitValue() == 0 || !Files.readString(work.resolve("child.log")).contains("ptrace"),
                "strace cannot trace here (no ptrace)");
        assertThat(p.exitValue()).as(Files.readString(work.resolve("child.log"))).isZero();
        String prefix = root.toString();
        calls = Files.readAllLines(out).stream().filter(l -> l.contains(prefix)).toList();
    }

    int first(Predicate<String> what) {
        return firstAfter(-1, what);
    }

    int firstAfter(int from, Predicate<String> what) {
        OptionalInt i = IntStream.range(from + 1, calls.size()).filter(n -> what.test(calls.get(n))).findFirst();
        assertThat(i).as("a call in %s", String.join("\n", calls)).isPresent();
        return i.getAsInt();
    }

    static Predicate<String> call(String name, String path) {
        return l -> l.matches("^\\d+ +" + name + "\\(.*") && l.contains(path);
    }

    /** fsync of the directory itself (strace -y prints the path of the descriptor). */
    static Predicate<String> fsyncOf(Path dir) {
        return l -> l.matches("^\\d+ +fsync\\(\\d+<" + Pattern.quote(dir.toString()) + ">\\).*");
    }

    @Test
    void everyDirectoryMadeIsDurableInItsParentBeforeAFileIsCommittedIntoIt() {
        Path root = work.resolve("root");
        for (String d : List.of("etc", "etc/new.d", "state", "state/quarantine")) {
            Path made = root.resolve(d);
            int mkdir = first(call("mkdir(at)?", "\"" + made + "\""));
            firstAfter(mkdir, fsyncOf(made.getParent()));
        }
        int mkdir = first(call("mkdir(at)?", "\"" + root.resolve("etc/new.d") + "\""));
        int commit = first(call("rename(at2?)?", root.resolve("etc/new.d/f.conf").toString()));
        assertThat(firstAfter(mkdir, fsyncOf(root.resolve("etc")))).as("etc/new.d durable in etc before the commit").isLessThan(commit);
    }

    @Test
    void theModeIsSetBeforeTheFsyncOfTheBytes() {
        Path root = work.resolve("root");
        int chmodTmp = first(call("(f)?chmod(at)?", root.resolve("etc/new.d/.f.conf.").toString()));
        int fsyncTmp = first(l -> l.matches("^\\d+ +fsync\\(\\d+<" + Pattern.quote(root.resolve("etc/new.d/.f.conf.").toString())
                + ".*\\.cscs-tmp>\\).*"));
        assertThat(chmodTmp).isLessThan(fsyncTmp);
        int chmodNew = first(call("(f)?chmod(at)?", root.resolve("state/quarantine/q").toString()));
        int fsyncNew = first(call("fsync", "<" + root.resolve("state/quarantine/q") + ">"));
        assertThat(chmodNew).isLessThan(fsyncNew);
    }
}
