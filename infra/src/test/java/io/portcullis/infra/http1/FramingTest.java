package io.portcullis.infra.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FramingTest {
    private static Framing request(String fields) throws Exception {
        return Framing.ofRequest(HeadParser.request(Wire.whole("POST / HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n"),
                Wire.LIMITS));
    }

    private static Framing response(String fields, String method) throws Exception {
        return Framing.ofResponse(HeadParser.response(Wire.whole(fields + "\r\n"), Wire.LIMITS), method);
    }

    @Test
    void request_lengthChunkedOrNothing() throws Exception {
        assertThat(request("Content-Length: 5\r\n")).isEqualTo(Framing.length(5));
        assertThat(request("Content-Length: 0\r\n").hasBody()).isFalse();
        assertThat(request("")).isEqualTo(Framing.NONE);
        assertThat(request("Transfer-Encoding: chunked\r\n")).isEqualTo(Framing.CHUNKED);
        assertThat(request("Transfer-Encoding: Chunked\r\n")).as("coding names ignore case").isEqualTo(Framing.CHUNKED);
        assertThat(request("Transfer-Encoding: ,chunked\r\n")).as("empty list elements").isEqualTo(Framing.CHUNKED);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Content-Length: 5\r\nContent-Length: 6\r\n",      // two values
        "Content-Length: 5\r\nContent-Length: 5\r\n",      // two fields, even equal
        "Content-Length: 5, 5\r\n",                        // a list
        "Content-Length: +5\r\n",
        "Content-Length: -1\r\n",
        "Content-Length: 0x5\r\n",
        "Content-Length: 1 2\r\n",
        "Content-Length: \r\n",
        "Content-Length: 99999999999999999999\r\n",        // would overflow
        "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
        "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
        "Transfer-Encoding: chunked, identity\r\n",       // chunked not last
        "Transfer-Encoding: gzip\r\n",                     // not chunked at all
        "Transfer-Encoding: chunked, chunked\r\n",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
        "Transfer-Encoding: chunked;q=1\r\n",
        "Transfer-Encoding: \r\n",
        "Transfer-Encoding: chun ked\r\n"})
    void request_ambiguousFraming_isMalformed(String fields) {
        assertThatThrownBy(() -> request(fields)).isInstanceOfSatisfying(MalformedHttpException.class,
                e -> assertThat(e.kind()).isEqualTo(MalformedHttpException.Kind.MALFORMED));
    }

    @Test
    void request_aCodingBeforeChunked_isNotImplemented() {
        assertThatThrownBy(() -> request("Transfer-Encoding: gzip, chunked\r\n"))
                .isInstanceOfSatisfying(MalformedHttpException.class,
                        e -> assertThat(e.kind()).isEqualTo(MalformedHttpException.Kind.UNSUPPORTED_CODING));
    }

    @Test
    void request_transferEncodingInHttp10_isMalformed() {
        assertThatThrownBy(() -> Framing.ofRequest(HeadParser.request(Wire.whole(
                "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), Wire.LIMITS)))
                .isInstanceOf(MalformedHttpException.class);
    }

    @Test
    void response_framing() throws Exception {
        assertThat(response("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n", "GET")).isEqualTo(Framing.length(7));
        assertThat(response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n", "GET")).isEqualTo(Framing.CHUNKED);
        assertThat(response("HTTP/1.1 200 OK\r\n", "GET")).isEqualTo(Framing.UNTIL_CLOSE);
        assertThat(response("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n", "HEAD")).isEqualTo(Framing.NONE);
        assertThat(response("HTTP/1.1 204 No Content\r\n", "GET")).isEqualTo(Framing.NONE);
        assertThat(response("HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n", "GET")).isEqualTo(Framing.NONE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n"})
    void response_ambiguousFraming_isMalformed(String head) {
        assertThatThrownBy(() -> response(head, "GET")).isInstanceOf(MalformedHttpException.class);
    }
}
