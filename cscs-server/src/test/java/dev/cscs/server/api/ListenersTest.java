package dev.cscs.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cscs.store.raft.HostPort;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.AbstractHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The API connectors' buffers: small per connection, a bounded pool, and answers of any size still whole. */
class ListenersTest {
    private final Server server = new Server();

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    @Test
    void theConnectorsShareOnePoolThatKeepsAtMostTwoMegabytesOfEachKind() {
        ServerConnector api = Listeners.plain(server, new HttpConfiguration(), new HostPort("127.0.0.1", 0));
        ServerConnector local = Listeners.plain(server, new HttpConfiguration(), new HostPort("127.0.0.1", 0));
        assertThat(api.getByteBufferPool()).isSameAs(local.getByteBufferPool()).isInstanceOf(ArrayByteBufferPool.class);
        ArrayByteBufferPool pool = (ArrayByteBufferPool) api.getByteBufferPool();
        assertThat(pool.getMaxDirectMemory()).isEqualTo(Listeners.POOLED_BYTES);
        assertThat(pool.getMaxHeapMemory()).isEqualTo(Listeners.POOLED_BYTES);
        assertThat(api.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration()
                .getOutputBufferSize()).isEqualTo(Listeners.OUTPUT_BUFFER_BYTES);
    }

    @Test
    void anAnswerMuchLargerThanTheOutputBufferArrivesWhole() throws Exception {
        byte[] big = new byte[100 * Listeners.OUTPUT_BUFFER_BYTES];
        Arrays.fill(big, (byte) 'x');
        ServerConnector api = Listeners.plain(server, new HttpConfiguration(), new HostPort("127.0.0.1", 0));
        server.addConnector(api);
        server.setHandler(new AbstractHandler() {
            @Override
            public void handle(String target, Request base, HttpServletRequest req, HttpServletResponse res) throws IOException {
                res.setStatus(200);
                res.getOutputStream().write(target.equals("/big") ? big : "ok".getBytes());
                base.setHandled(true);
            }
        });
        server.start();
        HttpClient client = HttpClient.newHttpClient();
        URI base = URI.create("http://127.0.0.1:" + api.getLocalPort());
        HttpResponse<byte[]> answer = client.send(HttpRequest.newBuilder(base.resolve("/big")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(big);
        assertThat(client.send(HttpRequest.newBuilder(base.resolve("/small")).build(), HttpResponse.BodyHandlers.ofString()).body())
                .isEqualTo("ok");
    }
}
