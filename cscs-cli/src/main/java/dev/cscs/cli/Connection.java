package dev.cscs.cli;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.error.ErrorCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where and how the online verbs connect, resolved setting by setting: a flag, else the
 * environment ({@code CSCS_ENDPOINTS}, {@code CSCS_ENDPOINT}, {@code CSCS_CACERT}, {@code CSCS_CERT},
 * {@code CSCS_KEY}, {@code CSCS_TIMEOUT}), else the client context, else the default.
 */
public record Connection(List<String> endpoints, Path cacert, Path cert, Path key, Duration timeout) {
    public static final String DEFAULT_ENDPOINT = "http://127.0.0.1:7400";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m)");

    public Connection {
        endpoints = List.copyOf(endpoints);
    }

    static Connection resolve(GlobalOptions flags, Map<String, String> env) {
        ClientConfig.Context ctx = ClientConfig.load(env).context(flags.context);
        List<String> endpoints = new ArrayList<>();
        if (flags.endpoint != null) {
            endpoints.add(flags.endpoint);
        }
        endpoints.addAll(flags.endpoints);
        if (endpoints.isEmpty()) {
            endpoints.addAll(list(env.get("CSCS_ENDPOINTS")));
        }
        if (endpoints.isEmpty()) {
            endpoints.addAll(list(env.get("CSCS_ENDPOINT")));
        }
        if (endpoints.isEmpty() && ctx != null) {
            endpoints.addAll(ctx.endpoints());
        }
        if (endpoints.isEmpty()) {
            endpoints.add(DEFAULT_ENDPOINT);
        }
        // an error names where the value came from: the flag, the variable (the context's is checked where it is read)
        Duration timeout = flags.timeout != null ? duration(flags.timeout, "--timeout")
                : env.get("CSCS_TIMEOUT") != null ? duration(env.get("CSCS_TIMEOUT"), "CSCS_TIMEOUT")
                : ctx != null && ctx.timeout() != null ? ctx.timeout() : DEFAULT_TIMEOUT;
        return new Connection(endpoints,
                first(flags.cacert, path(env.get("CSCS_CACERT")), ctx == null ? null : ctx.cacert()),
                first(flags.cert, path(env.get("CSCS_CERT")), ctx == null ? null : ctx.cert()),
                first(flags.key, path(env.get("CSCS_KEY")), ctx == null ? null : ctx.key()),
                timeout);
    }

    /** {@code 10s}, {@code 500ms}, {@code 2m}: bounded, so a typo cannot mean "forever". */
    static Duration duration(String text, String what) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new CscsException(ErrorCode.USAGE, what + " \"" + text + "\" is not a duration (e.g. 10s, 500ms, 2m)");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = m.group(2).equals("ms") ? Duration.ofMillis(n) : m.group(2).equals("s") ? Duration.ofSeconds(n) : Duration.ofMinutes(n);
        if (d.isZero() || d.compareTo(Duration.ofHours(1)) > 0) {
            throw new CscsException(ErrorCode.USAGE, what + " \"" + text + "\" must be above 0 and at most 60m");
        }
        return d;
    }

    private static List<String> list(String csv) {
        List<String> out = new ArrayList<>();
        if (csv != null) {
            for (String s : csv.split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        }
        return out;
    }

    private static Path path(String s) {
        return s == null || s.isBlank() ? null : Path.of(s);
    }

    @SafeVarargs
    private static <T> T first(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
