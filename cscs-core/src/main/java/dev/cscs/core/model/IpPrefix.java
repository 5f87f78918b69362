package dev.cscs.core.model;

import java.util.Arrays;

/**
 * An IPv4 or IPv6 address with an optional prefix length, parsed by hand: {@code InetAddress}
 * would resolve anything that is not a literal through DNS, and validation must stay pure. The
 * firewall renders {@link #canonical()}, built from the parsed bytes, never the input text.
 */
public record IpPrefix(byte[] address, int length) {
    public boolean v6() {
        return address.length == 16;
    }

    /** The address, or a reason it is not one; {@code null} input never reaches here. */
    public static Object parse(String s) {
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = addr.indexOf(':') >= 0 ? v6(addr) : v4(addr);
        if (bytes == null) {
            return "is not an IPv4 or IPv6 address" + (slash < 0 ? "" : " with a prefix length") + ", e.g. 10.0.0.0/8 or 2001:db8::/32";
        }
        int max = bytes.length * 8;
        int len = max;
        if (slash >= 0) {
            String l = s.substring(slash + 1);
            if (!l.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(l) > max) {
                return "has prefix length " + Names.shown(l) + "; it must be from 0 to " + max;
            }
            len = Integer.parseInt(l);
        }
        for (int bit = len; bit < max; bit++) {
            if ((bytes[bit / 8] & (0x80 >> (bit % 8))) != 0) {
                byte[] net = bytes.clone();
                for (int b = len; b < max; b++) {
                    net[b / 8] &= (byte) ~(0x80 >> (b % 8));
                }
                return "has host bits set; did you mean " + new IpPrefix(net, len).canonical() + "?";
            }
        }
        return new IpPrefix(bytes, len);
    }

    private static byte[] v4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!parts[i].matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(parts[i]) > 255) {
                return null;
            }
            out[i] = (byte) Integer.parseInt(parts[i]);
        }
        return out;
    }

    private static byte[] v6(String s) {
        if (s.length() > 45) {
            return null;
        }
        byte[] tail = null;
        int lastColon = s.lastIndexOf(':');
        if (s.indexOf('.') >= 0) {
            // an embedded IPv4 address fills the last 32 bits
            tail = v4(s.substring(lastColon + 1));
            if (tail == null) {
                return null;
            }
            s = s.substring(0, lastColon + 1) + "0:0";
        }
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
            return null;
        }
        String[] head = dbl < 0 ? s.split(":", -1) : split(s.substring(0, dbl));
        String[] rest = dbl < 0 ? new String[0] : split(s.substring(dbl + 2));
        int groups = head.length + rest.length;
        if ((dbl < 0 && groups != 8) || (dbl >= 0 && groups > 7)) {
            return null;
        }
        int[] g = new int[8];
        for (int i = 0; i < head.length; i++) {
            if ((g[i] = group(head[i])) < 0) {
                return null;
            }
        }
        for (int i = 0; i < rest.length; i++) {
            if ((g[8 - rest.length + i] = group(rest[i])) < 0) {
                return null;
            }
        }
        byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[2 * i] = (byte) (g[i] >> 8);
            out[2 * i + 1] = (byte) g[i];
        }
        if (tail != null) {
            System.arraycopy(tail, 0, out, 12, 4);
        }
        return out;
    }

    private static String[] split(String s) {
        return s.isEmpty() ? new String[0] : s.split(":", -1);
    }

    private static int group(String h) {
        if (h.isEmpty() || h.length() > 4) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < h.length(); i++) {
            int d = Character.digit(h.charAt(i), 16);
            if (d < 0) {
                return -1;
            }
            v = v * 16 + d;
        }
        return v;
    }

    /** Dotted quad, or RFC 5952 text for IPv6; {@code /len} unless it covers the whole address. */
    public String canonical() {
        StringBuilder b = new StringBuilder();
        if (!v6()) {
            for (int i = 0; i < 4; i++) {
                b.append(i == 0 ? "" : ".").append(address[i] & 0xff);
            }
        } else {
            int[] g = new int[8];
            for (int i = 0; i < 8; i++) {
                g[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
            }
            int bestStart = -1;
            int bestLen = 1;
            for (int i = 0; i < 8; ) {
                int j = i;
                while (j < 8 && g[j] == 0) {
                    j++;
                }
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j == i ? i + 1 : j;
            }
            for (int i = 0; i < 8; i++) {
                if (i == bestStart) {
                    b.append("::");
                    i += bestLen - 1;
                    continue;
                }
                if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
                    b.append(':');
                }
                b.append(Integer.toHexString(g[i]));
            }
        }
        if (length != address.length * 8) {
            b.append('/').append(length);
        }
        return b.toString();
    }

    /** Whether every address of {@code other} is in this prefix (never across families). */
    public boolean contains(IpPrefix other) {
        return v6() == other.v6() && length <= other.length && samePrefix(other, length);
    }

    /** Whether some address is in both (never across families). */
    public boolean overlaps(IpPrefix other) {
        return v6() == other.v6() && samePrefix(other, Math.min(length, other.length));
    }

    private boolean samePrefix(IpPrefix other, int bits) {
        for (int bit = 0; bit < bits; bit++) {
            int mask = 0x80 >> (bit % 8);
            if ((address[bit / 8] & mask) != (other.address[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpPrefix p && Arrays.equals(address, p.address) && length == p.length;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(address) * 31 + length;
    }

    @Override
    public String toString() {
        return canonical();
    }
}
