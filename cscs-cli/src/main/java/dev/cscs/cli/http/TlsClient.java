package dev.cscs.cli.http;

import dev.cscs.cli.GlobalOptions;
import java.net.http.HttpClient;
import java.time.Duration;

/** Builds the JDK HTTP client; HTTPS with the cluster CA and a client certificate when given. */
final class TlsClient {
    private TlsClient() {
    }

    static HttpClient build(GlobalOptions global) {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
    }
}
