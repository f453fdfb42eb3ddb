package io.portcullis.server;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The records one class logs while a test runs (its {@code System.Logger} writes through JUL). */
final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger;
    private final Level previous;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    LogCapture(Class<?> source) {
        logger = Logger.getLogger(source.getName());
        previous = logger.getLevel();
        logger.setLevel(Level.INFO);
        logger.addHandler(this);
    }

    /** Waits up to 15 s for a record at {@code level} whose message matches; fails the test without one. */
    LogRecord await(Level level, Predicate<String> message) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            for (LogRecord record : records) {
                if (record.getLevel().equals(level) && message.test(record.getMessage())) {
                    return record;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + level + " record as expected; got: "
                + records.stream().map(r -> r.getLevel() + " " + r.getMessage()).toList());
    }

    List<LogRecord> records() {
        return List.copyOf(records);
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(previous);
    }
}
