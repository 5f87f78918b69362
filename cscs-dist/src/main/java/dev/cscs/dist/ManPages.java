package dev.cscs.dist;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.asciidoctor.Asciidoctor;
import org.asciidoctor.Options;
import org.asciidoctor.SafeMode;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Build time only (the build runs it after shading; it is not in cscs.jar): one man page per verb,
 * {@code cscs.1}, {@code cscs-server.1}, {@code cscs-trust-init.1}, ..., from the same command tree
 * as {@code cscs --help} ({@link Main#commandLine}). picocli-codegen writes AsciiDoc, Asciidoctor's
 * manpage backend turns it into roff; the build gzips them into {@code /usr/share/man/man1/}.
 */
public final class ManPages {
    private ManPages() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: java dev.cscs.dist.ManPages ADOC_DIR MAN_DIR");
            System.exit(2);
        }
        Path adoc = Files.createDirectories(Path.of(args[0]).toAbsolutePath());
        Path man = Files.createDirectories(Path.of(args[1]).toAbsolutePath());
        int rc = ManPageGenerator.generateManPage(adoc.toFile(), null, new boolean[0], true, Main.commandLine().getCommandSpec());
        if (rc != 0) {
            throw new IOException("picocli ManPageGenerator exited " + rc);
        }
        List<Path> pages;
        try (Stream<Path> s = Files.list(adoc)) {
            pages = s.filter(p -> p.toString().endsWith(".adoc")).sorted().collect(Collectors.toList());
        }
        try (Asciidoctor asciidoctor = Asciidoctor.Factory.create()) {
            Options options = Options.builder().backend("manpage").safe(SafeMode.UNSAFE).toDir(man.toFile()).mkDirs(true).build();
            for (Path p : pages) {
                asciidoctor.convertFile(new File(p.toString()), options);
            }
        }
        System.out.println("man pages: " + pages.size() + " in " + man);
    }
}
