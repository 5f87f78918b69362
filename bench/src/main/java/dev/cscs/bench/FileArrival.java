package dev.cscs.bench;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Waits until every one of some files holds a text, woken by inotify (the JDK's WatchService)
 * rather than by polling in a loop that would take CPU from the processes being timed. Both
 * sides of the propagation row are timed by it.
 */
final class FileArrival implements AutoCloseable {
    private final List<Path> files;
    private final WatchService watch;

    FileArrival(List<Path> files) throws IOException {
        this.files = List.copyOf(files);
        this.watch = FileSystems.getDefault().newWatchService();
        for (Path f : files) {
            f.getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        }
    }

    /** Returns once every file contains {@code text}; throws after {@code timeoutMillis}. */
    void await(String text, long timeoutMillis) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!allHold(text)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("not every file held '" + text.strip() + "' within " + timeoutMillis + " ms: " + files);
            }
            // an event may be one the check above already saw: bounded waits, then look again
            WatchKey key = watch.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(5)), TimeUnit.NANOSECONDS);
            while (key != null) {
                key.pollEvents();
                key.reset();
                key = watch.poll();
            }
        }
    }

    private boolean allHold(String text) throws IOException {
        for (Path f : files) {
            try {
                if (!Files.readString(f).contains(text)) {
                    return false;
                }
            } catch (NoSuchFileException e) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        watch.close();
    }
}
