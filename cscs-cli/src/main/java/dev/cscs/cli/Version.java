package dev.cscs.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest (set by the build). */
public final class Version implements IVersionProvider {
    public static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"cscs " + current(), "Java " + System.getProperty("java.version")};
    }
}
