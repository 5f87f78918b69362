package dev.cscs.store.raft;

import dev.cscs.core.error.CscsException;
import dev.cscs.core.model.Names;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A {@code host:port} address: a hostname, an IPv4 address, or a bracketed IPv6 address. */
public record HostPort(String host, int port) {
    private static final Pattern FORM = Pattern.compile("(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]{1,253}):([0-9]{1,5})");

    public HostPort {
        if (port < 0 || port > 65535) {
            throw CscsException.malformed("port " + port + " is out of range");
        }
    }

    public static HostPort parse(String s) {
        Matcher m = s == null ? null : FORM.matcher(s);
        if (m == null || !m.matches()) {
            throw CscsException.malformed("address " + Names.shown(s) + " is not host:port");
        }
        return new HostPort(m.group(1), Integer.parseInt(m.group(2)));
    }

    /** The host as socket APIs take it: an IPv6 address without the brackets of the {@code host:port} form. */
    public String socketHost() {
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
