package dev.cscs.dist.attack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A bare HTTP/1.1 client over a socket bound to a chosen loopback source address (the JDK
 * client cannot choose one), so that a flooding attacker is another origin than the test's
 * own well-behaved client. One request per connection; plaintext only.
 */
final class RawHttp {
    private final InetAddress source;
    private final int port;

    RawHttp(String sourceAddress, int port) throws IOException {
        this.source = InetAddress.getByName(sourceAddress);
        this.port = port;
    }

    /** Sends {@code method path} with {@code body} and returns the status code. */
    int send(String method, String path, byte[] body) {
        try {
            return exchange(method, path, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int exchange(String method, String path, byte[] body) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(source, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                line.write(c);
            }
            String status = line.toString(StandardCharsets.US_ASCII).trim();
            String[] parts = status.split(" ");
            if (parts.length < 2) {
                throw new IOException("no HTTP status line: \"" + status + "\"");
            }
            in.transferTo(OutputStream.nullOutputStream());
            return Integer.parseInt(parts[1]);
        }
    }
}
