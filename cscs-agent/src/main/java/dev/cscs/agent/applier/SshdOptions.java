package dev.cscs.agent.applier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import dev.cscs.core.model.Names;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The sshd options cscs may set, with a grammar for each value. An allow-list, not a block-list:
 * options that run commands (ForceCommand, AuthorizedKeysCommand, Subsystem), read or write a
 * file a value could point anywhere (AuthorizedKeysFile, HostKey, TrustedUserCAKeys, PidFile,
 * ChrootDirectory, Include, ...) or open a conditional block (Match) are simply not on it, and
 * the one accepted option that names a file, {@code Banner} (sshd sends that file to every
 * client before login), takes only {@code none} or one of {@link #BANNER_FILES}, files that
 * are public by design. No other accepted value can start with a '/'.
 */
final class SshdOptions {
    private SshdOptions() {
    }

    /** How a value is checked and rendered. */
    enum Kind { YES_NO, ENUM, INT, TIME, MAX_STARTUPS, ALGORITHMS, PATTERNS, AUTH_METHODS, BANNER }

    record Option(String name, Kind kind, Set<String> choices, long min, long max) {
    }

    private static final Map<String, Option> BY_LOWER = new TreeMap<>();
    private static final Set<String> FORBIDDEN = Set.of("match", "include", "forcecommand", "authorizedkeyscommand",
            "authorizedkeyscommanduser", "authorizedprincipalscommand", "authorizedprincipalscommanduser", "subsystem",
            "chrootdirectory", "authorizedkeysfile", "authorizedprincipalsfile", "hostkey", "pidfile", "setenv",
            "acceptenv", "xauthlocation", "securitykeyprovider", "modulifile", "hostkeyagent", "hostcertificate",
            "trustedusercakeys", "revokedkeys", "sshdsessionpath", "sshdauthpath");
    /** The files Banner may name: the login banners a system shows anyone anyway. */
    static final Set<String> BANNER_FILES = Set.of("/etc/issue", "/etc/issue.net");
    private static final Pattern ALGORITHM_LIST = Pattern.compile("[+^-]?[A-Za-z0-9@._-]{1,64}(,[A-Za-z0-9@._-]{1,64}){0,63}");
    /** USER or USER@HOST; a '/' only in the host part (a CIDR prefix), so no pattern reads as a path. */
    private static final Pattern USER_PATTERN = Pattern.compile("[A-Za-z0-9._*?!%-]{1,64}(@[A-Za-z0-9._*?!:/%-]{1,63})?");
    private static final Pattern AUTH_LIST = Pattern.compile("any|[a-z-]{1,32}(:[a-z]{1,16})?(,[a-z-]{1,32}(:[a-z]{1,16})?){0,7}");
    private static final Pattern TIME = Pattern.compile("([0-9]{1,6}[smhdwSMHDW]?){1,4}");
    private static final Pattern MAX_STARTUPS = Pattern.compile("[0-9]{1,5}(:[0-9]{1,3}:[0-9]{1,5})?");

    static {
        for (String n : new String[] {"PasswordAuthentication", "PubkeyAuthentication", "KbdInteractiveAuthentication",
                "ChallengeResponseAuthentication", "PermitEmptyPasswords", "X11Forwarding", "X11UseLocalhost",
                "AllowAgentForwarding", "UseDNS", "IgnoreRhosts", "IgnoreUserKnownHosts", "HostbasedAuthentication",
                "StrictModes", "PrintMotd", "PrintLastLog", "TCPKeepAlive", "GSSAPIAuthentication", "GSSAPICleanupCredentials",
                "KerberosAuthentication", "UsePAM", "DisableForwarding", "PermitTTY", "PermitUserRC", "PermitUserEnvironment",
                "ExposeAuthInfo"}) {
            add(n, Kind.YES_NO, Set.of("yes", "no"), 0, 0);
        }
        add("PermitRootLogin", Kind.ENUM, Set.of("yes", "no", "prohibit-password", "without-password", "forced-commands-only"), 0, 0);
        add("AllowTcpForwarding", Kind.ENUM, Set.of("yes", "no", "local", "remote", "all"), 0, 0);
        add("AllowStreamLocalForwarding", Kind.ENUM, Set.of("yes", "no", "local", "remote", "all"), 0, 0);
        add("GatewayPorts", Kind.ENUM, Set.of("yes", "no", "clientspecified"), 0, 0);
        add("PermitTunnel", Kind.ENUM, Set.of("yes", "no", "point-to-point", "ethernet"), 0, 0);
        add("Compression", Kind.ENUM, Set.of("yes", "no", "delayed"), 0, 0);
        add("AddressFamily", Kind.ENUM, Set.of("any", "inet", "inet6"), 0, 0);
        add("LogLevel", Kind.ENUM, Set.of("QUIET", "FATAL", "ERROR", "INFO", "VERBOSE", "DEBUG", "DEBUG1", "DEBUG2", "DEBUG3"), 0, 0);
        add("SyslogFacility", Kind.ENUM, Set.of("DAEMON", "USER", "AUTH", "AUTHPRIV", "LOCAL0", "LOCAL1", "LOCAL2", "LOCAL3",
                "LOCAL4", "LOCAL5", "LOCAL6", "LOCAL7"), 0, 0);
        add("MaxAuthTries", Kind.INT, Set.of(), 1, 100);
        add("MaxSessions", Kind.INT, Set.of(), 0, 1000);
        add("ClientAliveInterval", Kind.INT, Set.of(), 0, 86400);
        add("ClientAliveCountMax", Kind.INT, Set.of(), 0, 1000);
        add("Port", Kind.INT, Set.of(), 1, 65535);
        add("X11DisplayOffset", Kind.INT, Set.of(), 0, 1000);
        add("LoginGraceTime", Kind.TIME, Set.of(), 0, 0);
        add("MaxStartups", Kind.MAX_STARTUPS, Set.of(), 0, 0);
        for (String n : new String[] {"Ciphers", "MACs", "KexAlgorithms", "HostKeyAlgorithms", "PubkeyAcceptedAlgorithms",
                "PubkeyAcceptedKeyTypes", "CASignatureAlgorithms", "HostbasedAcceptedAlgorithms"}) {
            add(n, Kind.ALGORITHMS, Set.of(), 0, 0);
        }
        for (String n : new String[] {"AllowUsers", "DenyUsers", "AllowGroups", "DenyGroups"}) {
            add(n, Kind.PATTERNS, Set.of(), 0, 0);
        }
        add("AuthenticationMethods", Kind.AUTH_METHODS, Set.of(), 0, 0);
        add("Banner", Kind.BANNER, Set.of(), 0, 0);
    }

    private static void add(String name, Kind kind, Set<String> choices, long min, long max) {
        BY_LOWER.put(name.toLowerCase(Locale.ROOT), new Option(name, kind, choices, min, max));
    }

    /** Whether sshd -T prints this option's value as given (yes/no, a choice, a number), so verify can compare it. */
    static boolean comparable(String canonicalName) {
        Option o = BY_LOWER.get(canonicalName.toLowerCase(Locale.ROOT));
        return o != null && (o.kind() == Kind.YES_NO || o.kind() == Kind.ENUM || o.kind() == Kind.INT);
    }

    /** The option for {@code name} (case-insensitive, as sshd reads it), or an error naming why not. */
    static Option option(Fields f, String field, String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (FORBIDDEN.contains(lower)) {
            throw f.invalid(field, "sets " + name + ", which cscs does not allow: it runs a command, reads or writes a file "
                    + "a value could point anywhere, or opens a Match/Include block");
        }
        Option o = BY_LOWER.get(lower);
        if (o == null) {
            throw f.invalid(field, "sets unknown or unsupported sshd option " + Names.shown(name)
                    + "; see schemas.md for the allowed options");
        }
        return o;
    }

    /** The value as it goes into sshd_config, checked against the option's grammar. */
    static String render(Fields f, String field, Option o, JsonNode n) {
        switch (o.kind()) {
            case YES_NO:
                if (n.isBoolean()) {
                    return n.booleanValue() ? "yes" : "no";
                }
                return choice(f, field, o, f.string(field, n, 64));
            case ENUM:
                return choice(f, field, o, f.string(field, n, 64));
            case INT:
                if (n.isTextual() && n.textValue().matches("[0-9]{1,6}")) {
                    return Long.toString(f.integer(field, LongNode.valueOf(
                            Long.parseLong(n.textValue())), o.min(), o.max()));
                }
                return Long.toString(f.integer(field, n, o.min(), o.max()));
            case ALGORITHMS:
                return matching(f, field, String.join(",", f.strings(field, n, 64, 2048)), ALGORITHM_LIST,
                        "a comma-separated list of algorithm names, optionally starting with +, - or ^");
            case PATTERNS:
                String users = String.join(" ", f.strings(field, n, 64, 128));
                for (String p : users.split(" ")) {
                    matching(f, field, p, USER_PATTERN, "user or group patterns like admin or ops@10.0.0.0/8: letters, "
                            + "digits and ._*?!%-, then optionally @ and a host pattern");
                }
                return users;
            case AUTH_METHODS:
                String methods = String.join(" ", f.strings(field, n, 8, 256));
                for (String m : methods.split(" ")) {
                    matching(f, field, m, AUTH_LIST, "\"any\" or comma-separated methods like publickey,password");
                }
                return methods;
            case TIME:
                return matching(f, field, f.string(field, n, 32), TIME, "a time like 30, 30s, 2m or 1m30s");
            case MAX_STARTUPS:
                return matching(f, field, f.string(field, n, 32), MAX_STARTUPS, "start or start:rate:full, e.g. 10:30:100");
            default:
                String banner = f.string(field, n, 64);
                if (!banner.equals("none") && !BANNER_FILES.contains(banner)) {
                    throw f.invalid(field, "names " + Names.shown(banner) + ": sshd sends the Banner file to every client "
                            + "before login, so it may only be none, " + String.join(" or ", new TreeSet<>(BANNER_FILES)));
                }
                return banner;
        }
    }

    /** Every option name cscs accepts, canonical spelling. */
    static List<String> names() {
        return BY_LOWER.values().stream().map(Option::name).toList();
    }

    /** Every option name cscs refuses by name (lower case). */
    static Set<String> forbidden() {
        return FORBIDDEN;
    }

    private static String choice(Fields f, String field, Option o, String v) {
        for (String c : o.choices()) {
            if (c.equalsIgnoreCase(v)) {
                return c;
            }
        }
        throw f.invalid(field, "must be one of " + String.join(", ", new TreeSet<>(o.choices())) + ", got "
                + Names.shown(v));
    }

    private static String matching(Fields f, String field, String v, Pattern p, String what) {
        if (!p.matcher(v).matches()) {
            throw f.invalid(field, "must be " + what + ", got " + Names.shown(v));
        }
        return v;
    }
}
