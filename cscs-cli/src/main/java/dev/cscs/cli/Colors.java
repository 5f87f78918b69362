package dev.cscs.cli;

/** ANSI colour for a terminal only: never in pipes, files, -o json, or with NO_COLOR set. */
public final class Colors {
    private static final boolean ON = System.console() != null && System.getenv("NO_COLOR") == null
            && !"dumb".equals(System.getenv("TERM"));

    private Colors() {
    }

    public static String red(String s) {
        return wrap("31", s);
    }

    public static String yellow(String s) {
        return wrap("33", s);
    }

    public static String green(String s) {
        return wrap("32", s);
    }

    public static String bold(String s) {
        return wrap("1", s);
    }

    private static String wrap(String code, String s) {
        return ON ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
    }
}
