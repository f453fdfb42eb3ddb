package io.portcullis.infra.http1;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Bytes as a connection would deliver them: whole, or one byte per read (every buffer boundary exercised). */
final class Wire {
    static final HeadParser.Limits LIMITS = new HeadParser.Limits(256, 1024, 16);

    private Wire() {
    }

    static Http1Input whole(String text) {
        return new Http1Input(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)), 1024, 1024);
    }

    /** One byte per read into a 16-byte buffer that must grow and compact as lines arrive. */
    static Http1Input trickled(String text) {
        ByteArrayInputStream bytes = new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
        return new Http1Input(new InputStream() {
            @Override
            public int read() {
                return bytes.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return len == 0 ? 0 : bytes.read(b, off, 1);
            }
        }, 16, 1024);
    }
}
