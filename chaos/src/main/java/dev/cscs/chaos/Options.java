package dev.cscs.chaos;

import java.nio.file.Path;

/** {@code chaos/run}'s options; {@link #parse} refuses anything else with what was wrong and the usage. */
record Options(long seconds, long seed, int maxFaults, Path jar) {
    static final String USAGE = "usage: chaos/run [--seconds S] [--seed N] [--faults N] [--jar F]";

    /** A bad argument: exit 2 (1 is reserved for problems found). */
    static final class UsageException extends IllegalArgumentException {
        UsageException(String what) {
            super(what + "\n" + USAGE);
        }
    }

    static Options parse(String... args) {
        long seconds = 180;
        long seed = 7;
        int maxFaults = Integer.MAX_VALUE;
        Path jar = Path.of("cscs-dist/target/cscs.jar");
        for (int i = 0; i < args.length; i += 2) {
            String option = args[i];
            if (i + 1 == args.length) {
                throw new UsageException(option + " needs a value");
            }
            String value = args[i + 1];
            switch (option) {
                case "--seconds" -> seconds = number(option, value, 1, Long.MAX_VALUE / 1_000_000_000L);
                case "--seed" -> seed = number(option, value, Long.MIN_VALUE, Long.MAX_VALUE);
                case "--faults" -> maxFaults = (int) number(option, value, 0, Integer.MAX_VALUE);
                case "--jar" -> jar = Path.of(value);
                default -> throw new UsageException("unknown option " + option);
            }
        }
        return new Options(seconds, seed, maxFaults, jar);
    }

    private static long number(String option, String value, long min, long max) {
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new UsageException(option + " wants a whole number, not '" + value + "'");
        }
        if (n < min || n > max) {
            throw new UsageException(option + " " + value + " is out of range [" + min + ", " + max + "]");
        }
        return n;
    }
}
