package dev.cscs.dist.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

/** Where the browser tests find Chromium and their scripts, and the message when either is missing. */
final class Browsers {
    static final Path SCRIPTS = Path.of("src/test/ui");
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CSCS_CHROMIUM", "/usr/bin/chromium"));

    private Browsers() {
    }

    static void require() {
        assertThat(CHROMIUM).as("Chromium for the browser tests; ./test installs Debian's chromium package").isExecutable();
        assertThat(SCRIPTS.resolve("node_modules/playwright-core")).as("the npm packages of " + SCRIPTS
                + "; ./test runs npm ci there").isDirectory();
    }
}
