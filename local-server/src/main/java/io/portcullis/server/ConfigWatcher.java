package io.portcullis.server;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Reloads the configuration when one of its files changes. The directories holding them are watched (an editor or
 * a deployment tool replaces a file by renaming another over it, and Kubernetes swaps a symlink beside it). An
 * event for one of the files (or for Kubernetes' {@code ..data} links), once there has been none for
 * {@value #QUIET_MILLIS} ms (an editor's save is several events), asks {@link ConfigReload#reloadIfChanged}, which
 * reloads only if the files' content changed. Events for other files in those directories (a log written beside
 * the config, the embedded store's files) are ignored: under load they would never let the directory be quiet.
 */
final class ConfigWatcher implements AutoCloseable {
    static final long QUIET_MILLIS = 200;
    private static final System.Logger LOG = System.getLogger(ConfigWatcher.class.getName());

    private final WatchService service;
    private final ConfigReload reload;
    private final Map<Path, WatchKey> keys = new HashMap<>();
    private final Thread thread;

    private ConfigWatcher(WatchService service, ConfigReload reload) {
        this.service = service;
        this.reload = reload;
        this.thread = Thread.ofPlatform().daemon().name("config-watch").unstarted(this::run);
    }

    /** Watches {@code reload}'s files; empty, with a warning, when the system cannot watch files. */
    static Optional<ConfigWatcher> start(ConfigReload reload) {
        try {
            ConfigWatcher watcher = new ConfigWatcher(FileSystems.getDefault().newWatchService(), reload);
            watcher.register();
            watcher.thread.start();
            return Optional.of(watcher);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "config files are not watched (" + e.getMessage() + "); SIGHUP "
                    + "still reloads them");
            return Optional.empty();
        }
    }

    private void run() {
        try {
            while (true) {
                if (!concernsTheConfig(service.take())) {
                    continue;
                }
                long quietFrom = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS);
                for (long left = QUIET_MILLIS; left > 0;
                        left = TimeUnit.NANOSECONDS.toMillis(quietFrom - System.nanoTime())) {
                    WatchKey next = service.poll(left, TimeUnit.MILLISECONDS);
                    if (next != null && concernsTheConfig(next)) {
                        quietFrom = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS);
                    }
                }
                try {
                    reload.reloadIfChanged();
                    register();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "config watch: " + e.getMessage(), e);
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException stopped) {
            // closed: the server is stopping
        }
    }

    /** Takes {@code key}'s events; whether any was about a configuration file (or lost: an overflow). */
    private boolean concernsTheConfig(WatchKey key) {
        Path directory = (Path) key.watchable();
        Set<Path> files = reload.watched().stream().map(file -> file.toAbsolutePath().normalize())
                .collect(Collectors.toSet());
        boolean concerns = false;
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == StandardWatchEventKinds.OVERFLOW || !(event.context() instanceof Path name)) {
                concerns = true;
            } else {
                concerns |= name.toString().startsWith("..")
                        || files.contains(directory.resolve(name).toAbsolutePath().normalize());
            }
        }
        key.reset();
        return concerns;
    }

    /** Watches the directories of the files the configuration now names, and only those. */
    private void register() {
        Set<Path> directories = reload.watched().stream().map(file -> file.toAbsolutePath().normalize().getParent())
                .collect(Collectors.toSet());
        keys.entrySet().removeIf(entry -> {
            if (!directories.contains(entry.getKey())) {
                entry.getValue().cancel();
                return true;
            }
            return false;
        });
        for (Path directory : directories) {
            if (!keys.containsKey(directory)) {
                try {
                    keys.put(directory, directory.register(service, StandardWatchEventKinds.ENTRY_CREATE,
                            StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE));
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "cannot watch " + directory + ": " + e.getMessage());
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the config watch: " + e.getMessage());
        }
    }
}
