package io.portcullis.infra.http1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Lent buffers: held only while a connection reads or writes, and never a byte of one connection in another. */
class BufferPoolTest {
    private static InputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aWritingBuffer_goesBackAtFlush_andTheNextStreamSendsOnlyItsOwnBytes() throws Exception {
        BufferPool pool = new BufferPool(64, 4);
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        Http1Output a = new Http1Output(first, pool);
        a.writeLatin1("HTTP/1.1 200 OK\r\nSet-Cookie: secret=1\r\n\r\n");
        a.flush();
        byte[] lent = pool.take();
        pool.give(lent);

        ByteArrayOutputStream second = new ByteArrayOutputStream();
        Http1Output b = new Http1Output(second, pool);
        b.write('x');
        assertThat(pool.take()).as("the stream holds the buffer a flushed while it writes").isNotSameAs(lent);
        b.flush();
        assertThat(second.toString(StandardCharsets.ISO_8859_1)).isEqualTo("x");
        assertThat(pool.take()).as("given back at flush").isSameAs(lent);
    }

    @Test
    void aReadingBuffer_goesBackOnlyWhenNothingIsBuffered() throws Exception {
        BufferPool pool = new BufferPool(64, 4);
        Http1Input in = new Http1Input(bytes("GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n"),
                pool, 1024);
        assertThat(HeadParser.request(in, Wire.LIMITS).target()).isEqualTo("/a");
        in.release();
        assertThat(in.buffered()).as("the pipelined request stays").isGreaterThan(0);
        assertThat(HeadParser.request(in, Wire.LIMITS).target()).isEqualTo("/b");
        byte[] before = pool.take();
        pool.give(before);
        in.release();
        assertThat(pool.take()).as("the connection's own buffer joined the pool").isNotSameAs(before);
        assertThat(pool.take()).isSameAs(before);
    }

    @Test
    void aReleasedInput_readsOnlyTheBytesThatArriveAfter() throws Exception {
        BufferPool pool = new BufferPool(64, 4);
        Http1Input earlier = new Http1Input(bytes("GET /secret?token=abcdef HTTP/1.1\r\nHost: h\r\n\r\n"), pool, 1024);
        HeadParser.request(earlier, Wire.LIMITS);
        earlier.release();

        Http1Input later = new Http1Input(bytes("ab"), pool, 1024);
        InputStream body = Bodies.of(Framing.UNTIL_CLOSE, later, Wire.LIMITS);
        assertThat(new String(body.readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("ab");
    }

    @Test
    void aBufferThatGrewForALongLine_isNotKept() throws Exception {
        BufferPool pool = new BufferPool(16, 4);
        Http1Input in = new Http1Input(bytes("GET /a-target-longer-than-sixteen-bytes HTTP/1.1\r\nHost: h\r\n\r\n"),
                pool, 1024);
        HeadParser.request(in, Wire.LIMITS);
        in.release();
        assertThat(pool.take()).as("a new buffer of the pool's size, not the grown one").hasSize(16);
    }

    @Test
    void atMostMaxIdleAreKept_theLastReturnedLentFirst() {
        BufferPool pool = new BufferPool(8, 2);
        byte[] a = pool.take();
        byte[] b = pool.take();
        byte[] c = pool.take();
        pool.give(a);
        pool.give(b);
        pool.give(c); // over maxIdle: left to the garbage collector

        assertThat(pool.take()).isSameAs(b);
        assertThat(pool.take()).isSameAs(a);
        assertThat(pool.take()).isNotSameAs(a).isNotSameAs(b).isNotSameAs(c);
    }

    @Test
    void aBufferIsNeverLentToTwoTakersAtOnce() throws Exception {
        BufferPool pool = new BufferPool(8, 16);
        Set<byte[]> lent = ConcurrentHashMap.newKeySet();
        AtomicInteger doubleLent = new AtomicInteger();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < 32; t++) {
                threads.submit(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        byte[] buffer = pool.take();
                        if (!lent.add(buffer)) {
                            doubleLent.incrementAndGet();
                        }
                        lent.remove(buffer);
                        pool.give(buffer);
                    }
                });
            }
        }
        assertThat(doubleLent).hasValue(0);
    }
}
