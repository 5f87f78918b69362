package dev.cscs.agent.applier;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * An ASCII-armored OpenPGP public key (RFC 4880 §6), checked and re-armored. The key file cscs
 * writes is rendered from the decoded bytes, not copied from the input: armor headers are
 * dropped, lines are re-wrapped and the CRC-24 recomputed, so nothing the signer typed besides
 * the key itself reaches the file.
 */
final class ArmoredKey {
    static final int MAX_CHARS = 64 << 10;
    static final String BEGIN = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
    static final String END = "-----END PGP PUBLIC KEY BLOCK-----";
    private static final int PUBLIC_KEY_TAG = 6;

    private ArmoredKey() {
    }

    /** The decoded key packets of {@code text}, or an {@code INVALID_VALUE} naming what is wrong. */
    static byte[] decode(Fields f, String field, String text) {
        if (text.length() > MAX_CHARS) {
            throw f.invalid(field, "is " + text.length() + " characters long; at most " + MAX_CHARS);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 || c > 0x7e) && c != '\n' && c != '\r') {
                throw f.invalid(field, "contains " + Text.describe(c) + " at index " + i + "; armor is printable ASCII lines");
            }
        }
        List<String> lines = new ArrayList<>();
        for (String l : text.split("\n", -1)) {
            lines.add(l.endsWith("\r") ? l.substring(0, l.length() - 1) : l);
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        if (lines.isEmpty() || !lines.get(0).equals(BEGIN)) {
            String first = lines.isEmpty() ? "" : lines.get(0);
            throw f.invalid(field, first.contains("PRIVATE KEY")
                    ? "is a private key; give the public key (gpg --armor --export KEYID)"
                    : "must be an ASCII-armored public key starting with " + BEGIN);
        }
        if (!lines.get(lines.size() - 1).equals(END)) {
            throw f.invalid(field, "must end with " + END);
        }
        int i = 1;
        // armor headers (Version:, Comment:) up to the blank line; some tools omit both
        while (i < lines.size() - 1 && lines.get(i).contains(": ")) {
            i++;
        }
        if (i < lines.size() - 1 && lines.get(i).isEmpty()) {
            i++;
        }
        StringBuilder b64 = new StringBuilder();
        String crc = null;
        for (; i < lines.size() - 1; i++) {
            String l = lines.get(i);
            if (l.startsWith("=") && i == lines.size() - 2) {
                crc = l.substring(1);
            } else if (l.isEmpty()) {
                throw f.invalid(field, "has a blank line inside the armor (line " + (i + 1) + ")");
            } else if (!l.chars().allMatch(c -> Text.isAsciiAlnum(c) || c == '+' || c == '/' || c == '=')) {
                throw f.invalid(field, "line " + (i + 1) + " is not base64");
            } else {
                b64.append(l);
            }
        }
        byte[] packets;
        try {
            packets = Base64.getDecoder().decode(b64.toString());
        } catch (IllegalArgumentException e) {
            throw f.invalid(field, "armor body is not valid base64");
        }
        if (crc != null) {
            byte[] sum;
            try {
                sum = Base64.getDecoder().decode(crc);
            } catch (IllegalArgumentException e) {
                throw f.invalid(field, "armor checksum line is not base64");
            }
            int want = sum.length == 3 ? ((sum[0] & 0xff) << 16) | ((sum[1] & 0xff) << 8) | (sum[2] & 0xff) : -1;
            if (want != crc24(packets)) {
                throw f.invalid(field, "armor checksum does not match: the key was altered or truncated");
            }
        }
        if (packets.length < 16 || (packets[0] & 0x80) == 0) {
            throw f.invalid(field, "does not contain OpenPGP packets");
        }
        int tag = (packets[0] & 0x40) != 0 ? packets[0] & 0x3f : (packets[0] >> 2) & 0x0f;
        if (tag != PUBLIC_KEY_TAG) {
            throw f.invalid(field, "starts with an OpenPGP packet of tag " + tag + ", not a public key (tag 6)");
        }
        return packets;
    }

    /** Canonical armor of {@code packets}: no headers, 64-column lines, CRC-24. */
    static String armor(byte[] packets) {
        String b64 = Base64.getEncoder().encodeToString(packets);
        StringBuilder out = new StringBuilder(BEGIN).append("\n\n");
        for (int i = 0; i < b64.length(); i += 64) {
            out.append(b64, i, Math.min(b64.length(), i + 64)).append('\n');
        }
        int c = crc24(packets);
        out.append('=').append(Base64.getEncoder().encodeToString(new byte[] {(byte) (c >> 16), (byte) (c >> 8), (byte) c}))
                .append('\n').append(END).append('\n');
        return out.toString();
    }

    /** RFC 4880 §6.1. */
    static int crc24(byte[] data) {
        int crc = 0xB704CE;
        for (byte b : data) {
            crc ^= (b & 0xff) << 16;
            for (int i = 0; i < 8; i++) {
                crc <<= 1;
                if ((crc & 0x1000000) != 0) {
                    crc ^= 0x1864CFB;
                }
            }
        }
        return crc & 0xFFFFFF;
    }
}
