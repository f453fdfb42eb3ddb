package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.Json;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Stdout lines are written off the request threads; a blocked stdout costs access lines, never audit lines. */
class LogSinkTest {
    @Test
    void blockedStdout_dropsAccessLines_butAuditLinesWaitAndArrive() throws Exception {
        CountDownLatch released = new CountDownLatch(1);
        CountDownLatch writerBlocked = new CountDownLatch(1);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        OutputStream blocked = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                writerBlocked.countDown();
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                synchronized (written) {
                    written.write(bytes, offset, length);
                }
            }
        };
        LogSink.Stdout sink = new LogSink.Stdout(new PrintStream(blocked, false, StandardCharsets.UTF_8),
                GatewayMetrics.create());

        int accessLines = 0;
        sink.write("access", new LogLine("t", "access").put("n", accessLines++).json());
        writerBlocked.await();
        // The writer is stuck in a write: the queue fills, and what does not fit is dropped.
        while (accessLines < 40_000) {
            sink.write("access", new LogLine("t", "access").put("n", accessLines++).json());
        }
        Thread audit = Thread.ofVirtual().start(() -> sink.write("audit", new LogLine("t", "audit").json()));
        audit.join(200);
        assertThat(audit.isAlive()).as("an audit line waits for room rather than being dropped").isTrue();
        released.countDown();
        audit.join();
        sink.close();

        String[] lines = written.toString(StandardCharsets.UTF_8).split("\n");
        long access = Arrays.stream(lines).filter(l -> l.contains("\"access\"")).count();
        assertThat(access).as("some access lines were dropped while stdout was blocked").isLessThan(accessLines)
                .isGreaterThan(0);
        assertThat(lines).filteredOn(l -> l.contains("\"audit\"")).hasSize(1);
        assertThat(lines).allSatisfy(line -> assertThat(Json.tree(line.getBytes(StandardCharsets.UTF_8))).isNotNull());
    }
}
