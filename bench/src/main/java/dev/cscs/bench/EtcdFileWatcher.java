package dev.cscs.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * etcd's side of the propagation row, the confd pattern in its own JVM: watches one key on one
 * member and renders each new value into a file, as durably as CSCS's agent does (a temporary
 * file, fsync, rename over the target, fsync of the directory).
 *
 * <pre>java -cp ... dev.cscs.bench.EtcdFileWatcher ENDPOINT KEY FILE</pre>
 */
public final class EtcdFileWatcher {
    private EtcdFileWatcher() {
    }

    public static void main(String[] args) throws Exception {
        QuietLogs.warnAndAbove();
        Path file = Path.of(args[2]);
        CountDownLatch failed = new CountDownLatch(1);
        ByteSequence key = ByteSequence.from(args[1], StandardCharsets.UTF_8);
        try (Client client = Client.builder().endpoints(args[0]).build()) {
            // confd's order: render what is there, then watch from the revision after it, so no put falls between
            GetResponse now = client.getKVClient().get(key).get(30, TimeUnit.SECONDS);
            if (now.getCount() > 0) {
                write(file, render(now.getKvs().get(0).getValue().toString(StandardCharsets.UTF_8)));
            }
            WatchOption from = WatchOption.builder().withRevision(now.getHeader().getRevision() + 1).build();
            client.getWatchClient().watch(key, from, response -> {
                try {
                    for (WatchEvent e : response.getEvents()) {
                        if (e.getEventType() == WatchEvent.EventType.PUT) {
                            write(file, render(e.getKeyValue().getValue().toString(StandardCharsets.UTF_8)));
                        }
                    }
                } catch (RuntimeException e) {
                    // a watcher that cannot render stops: the benchmark sees it exit rather than wait for a file
                    e.printStackTrace();
                    failed.countDown();
                }
            }, error -> {
                error.printStackTrace();
                failed.countDown();
            });
            Files.writeString(ready(file), "watching from revision " + (now.getHeader().getRevision() + 1) + "\n");
            failed.await();
        }
        System.exit(1);
    }

    /** Written once the watcher renders every later put: the benchmark times nothing before. */
    static Path ready(Path file) {
        return file.resolveSibling("ready");
    }

    static String render(String value) {
        return "net.bench.rendered = " + value + "\n";
    }

    private static void write(Path file, String text) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            try (FileChannel d = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                d.force(true);
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not render " + file + ": " + e.getMessage(), e);
        }
    }
}
