package io.portcullis.server;

import io.portcullis.core.config.ConfigException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on {@code portcullis.lock} in the embedded store's data directory, held while the store is
 * open. The operating system releases it when the process ends, however it ends, so a crash leaves no stale lock.
 */
final class DataDirLock implements AutoCloseable {
    private final FileChannel channel;

    private DataDirLock(FileChannel channel) {
        this.channel = channel;
    }

    /** @throws ConfigException naming {@code store.data-dir} when another process (or this one) holds it */
    static DataDirLock acquire(Path dataDir) {
        Path file = dataDir.resolve("portcullis.lock");
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return new DataDirLock(channel);
            }
        } catch (OverlappingFileLockException held) {
            // Held by this process already: refused like another process's lock.
        } catch (IOException e) {
            closeQuietly(channel);
            throw new ConfigException("store.data-dir: cannot lock " + file.toAbsolutePath() + ": " + e);
        }
        closeQuietly(channel);
        throw new ConfigException("store.data-dir: " + dataDir.toAbsolutePath() + " is in use by another "
                + "Portcullis process (one server per data directory; stop it first, or share a store.type: "
                + "dynamodb table instead)");
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing was locked through it.
            }
        }
    }

    /** Closing the channel releases the lock. */
    @Override
    public void close() {
        closeQuietly(channel);
    }
}
