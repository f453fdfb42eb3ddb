package io.portcullis.infra.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BodiesTest {
    private static String chunked(String wire) throws Exception {
        String whole = read(Bodies.of(Framing.CHUNKED, Wire.whole(wire), Wire.LIMITS));
        assertThat(read(Bodies.of(Framing.CHUNKED, Wire.trickled(wire), Wire.LIMITS))).isEqualTo(whole);
        return whole;
    }

    private static String read(InputStream body) throws Exception {
        return new String(body.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void chunked_decodesSizesExtensionsAndTrailers_andLeavesTheNextMessage() throws Exception {
        String wire = "5;a=b\r\nhello\r\n6 ; name ; q=\"x;\\\"y\"\r\n world\r\nA\r\n0123456789\r\n"
                + "0\r\nTrailer-Field: t\r\n\r\nNEXT";
        Http1Input in = Wire.whole(wire);
        InputStream body = Bodies.of(Framing.CHUNKED, in, Wire.LIMITS);
        assertThat(read(body)).isEqualTo("hello world0123456789");
        assertThat(Bodies.finished(body)).isTrue();
        assertThat(in.buffered()).as("the next message stays buffered").isEqualTo(4);
        assertThat(chunked("0\r\n\r\n")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "5\r\nhelloXX0\r\n\r\n",          // no CRLF after the data
        "5\r\nhello\n0\r\n\r\n",          // LF only after the data
        "x\r\nhello\r\n0\r\n\r\n",        // not hex
        "-5\r\nhello\r\n0\r\n\r\n",
        "+5\r\nhello\r\n0\r\n\r\n",
        " 5\r\nhello\r\n0\r\n\r\n",
        "5 x\r\nhello\r\n0\r\n\r\n",      // junk after the size
        "5;\r\nhello\r\n0\r\n\r\n",       // an extension without a name
        "5;a=\r\nhello\r\n0\r\n\r\n",     // without a value
        "5;a=\"x\r\nhello\r\n0\r\n\r\n",  // an unterminated quoted string
        "1000000000000000\r\n",           // a size beyond a long
        "5\nhello\r\n0\r\n\r\n",          // a bare LF after the size
        "0\r\nBad Field: x\r\n\r\n",      // a trailer that is not a field
        "0\r\n folded\r\n\r\n"})
    void chunked_brokenCoding_isMalformed(String wire) {
        assertThatThrownBy(() -> read(Bodies.of(Framing.CHUNKED, Wire.whole(wire), Wire.LIMITS)))
                .isInstanceOf(MalformedHttpException.class);
    }

    @Test
    void chunked_closedMidway_isEndOfStream() {
        assertThatThrownBy(() -> read(Bodies.of(Framing.CHUNKED, Wire.whole("5\r\nhel"), Wire.LIMITS)))
                .isInstanceOf(EOFException.class);
    }

    @Test
    void length_readsExactly_andAShortBodyIsEndOfStream() throws Exception {
        Http1Input in = Wire.trickled("helloNEXT");
        assertThat(read(Bodies.of(Framing.length(5), in, Wire.LIMITS))).isEqualTo("hello");
        assertThatThrownBy(() -> read(Bodies.of(Framing.length(10), Wire.whole("short"), Wire.LIMITS)))
                .isInstanceOf(EOFException.class);
    }

    @Test
    void bodyOutput_framesChunksAndLengths() throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        Http1Output out = new Http1Output(wire, 8);
        BodyOutput chunked = BodyOutput.chunked(out);
        chunked.write("hello".getBytes(StandardCharsets.US_ASCII));
        chunked.write(new byte[0]);
        chunked.write("0123456789abcdef!".getBytes(StandardCharsets.US_ASCII));
        chunked.close();
        assertThat(wire.toString(StandardCharsets.US_ASCII))
                .isEqualTo("5\r\nhello\r\n11\r\n0123456789abcdef!\r\n0\r\n\r\n");
        assertThat(chunked(wire.toString(StandardCharsets.US_ASCII))).isEqualTo("hello0123456789abcdef!");

        BodyOutput fixed = BodyOutput.length(new Http1Output(new ByteArrayOutputStream(), 8), 3);
        assertThatThrownBy(() -> fixed.write("four".getBytes(StandardCharsets.US_ASCII)))
                .hasMessageContaining("longer than its Content-Length");
        BodyOutput shortOne = BodyOutput.length(new Http1Output(new ByteArrayOutputStream(), 8), 3);
        shortOne.write('a');
        assertThatThrownBy(shortOne::close).hasMessageContaining("before its Content-Length");
    }
}
