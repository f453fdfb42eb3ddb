package io.portcullis.infra.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeadParserTest {
    private static RequestHead request(String text) throws Exception {
        RequestHead whole = HeadParser.request(Wire.whole(text), Wire.LIMITS);
        RequestHead trickled = HeadParser.request(Wire.trickled(text), Wire.LIMITS);
        assertThat(trickled).as("read one byte at a time").usingRecursiveComparison().isEqualTo(whole);
        return whole;
    }

    private static MalformedHttpException refused(String text) {
        for (Http1Input in : new Http1Input[] {Wire.whole(text), Wire.trickled(text)}) {
            try {
                HeadParser.request(in, Wire.LIMITS);
            } catch (MalformedHttpException e) {
                continue;
            } catch (Exception e) {
                throw new AssertionError("not refused as malformed: " + e, e);
            }
            throw new AssertionError("accepted: " + text);
        }
        try {
            HeadParser.request(Wire.whole(text), Wire.LIMITS);
            throw new AssertionError("accepted");
        } catch (MalformedHttpException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void request_readsLineTargetAndFields_withTheQueryUntouched() throws Exception {
        RequestHead head = request("GET /open/x?/../../s/admin-only&next=http://evil/ HTTP/1.1\r\n"
                + "Host: gw\r\nX-A:  spaced value \t\r\nx-a: second\r\n\r\n");
        assertThat(head.method()).isEqualTo("GET");
        assertThat(head.rawPath()).isEqualTo("/open/x");
        assertThat(head.rawQuery()).isEqualTo("/../../s/admin-only&next=http://evil/");
        assertThat(head.minorVersion()).isEqualTo(1);
        assertThat(head.headers().all("x-a")).containsExactly("spaced value", "second");
        assertThat(head.keepAlive()).isTrue();
    }

    @Test
    void request_absoluteForm_takesThePathFromTheTarget() throws Exception {
        RequestHead head = request("GET http://example.com/a/b?c=d HTTP/1.1\r\nHost: example.com\r\n\r\n");
        assertThat(head.rawPath()).isEqualTo("/a/b");
        assertThat(head.rawQuery()).isEqualTo("c=d");
        assertThat(request("GET http://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n").rawPath()).isEqualTo("/");
    }

    @Test
    void request_http10_needsNoHost_andClosesUnlessAskedToKeepAlive() throws Exception {
        RequestHead head = request("GET / HTTP/1.0\r\n\r\n");
        assertThat(head.minorVersion()).isZero();
        assertThat(head.keepAlive()).isFalse();
        assertThat(request("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keepAlive()).isTrue();
        assertThat(request("GET / HTTP/1.1\r\nHost: a\r\nConnection: x, CLOSE\r\n\r\n").keepAlive()).isFalse();
    }

    @Test
    void request_leadingEmptyLines_areSkipped() throws Exception {
        assertThat(request("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n").method()).isEqualTo("GET");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GET / HTTP/1.1\nHost: a\r\n\r\n",                 // bare LF ends the request line
        "GET / HTTP/1.1\r\nHost: a\n\r\n",                 // bare LF ends a field
        "GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n",         // bare CR inside a field
        "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",    // obsolete line folding
        "GET / HTTP/1.1\r\nHost : a\r\n\r\n",              // space before the colon
        "GET / HTTP/1.1\r\nHo(st: a\r\n\r\n",              // not a token
        "GET / HTTP/1.1\r\n: a\r\nHost: a\r\n\r\n",        // no name
        "GET / HTTP/1.1\r\nHost a\r\n\r\n",                // no colon
        "GET / HTTP/1.1\r\nHost: a\r\nX: a\u0000b\r\n\r\n",  // NUL in a value
        "GET / HTTP/1.1\r\nHost: a\r\nX: a\u007fb\r\n\r\n",  // DEL in a value
        "GET  / HTTP/1.1\r\nHost: a\r\n\r\n",              // two spaces
        "GET / HTTP/1.1 \r\nHost: a\r\n\r\n",              // trailing space
        "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n",            // space in the target
        "GET /a#frag HTTP/1.1\r\nHost: a\r\n\r\n",         // a fragment
        "GET /\u00e9 HTTP/1.1\r\nHost: a\r\n\r\n",         // a raw non-ASCII byte
        "G(T / HTTP/1.1\r\nHost: a\r\n\r\n",               // the method is not a token
        "GET / HTTP/1.1\r\n\r\n",                          // HTTP/1.1 without Host
        "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",    // two Hosts
        "GET / http/1.1\r\nHost: a\r\n\r\n",               // the version is case-sensitive
        "GET / HTTP/1.1x\r\nHost: a\r\n\r\n",
        "GET /\r\nHost: a\r\n\r\n",                        // no version (HTTP/0.9)
        "\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n" // too many empty lines
    })
    void request_brokenSyntax_isMalformed(String text) {
        assertThat(refused(text).kind()).isEqualTo(MalformedHttpException.Kind.MALFORMED);
    }

    @Test
    void request_otherVersions_areUnsupported() {
        assertThat(refused("GET / HTTP/2.0\r\nHost: a\r\n\r\n").kind())
                .isEqualTo(MalformedHttpException.Kind.UNSUPPORTED_VERSION);
        assertThat(refused("GET / HTTP/1.2\r\nHost: a\r\n\r\n").kind())
                .isEqualTo(MalformedHttpException.Kind.UNSUPPORTED_VERSION);
    }

    @Test
    void request_limits_giveTheirOwnKinds() {
        assertThat(refused("GET /" + "a".repeat(300) + " HTTP/1.1\r\nHost: a\r\n\r\n").kind())
                .isEqualTo(MalformedHttpException.Kind.TARGET_TOO_LONG);
        assertThat(refused("GET / HTTP/1.1\r\nHost: a\r\nX: " + "b".repeat(1100) + "\r\n\r\n").kind())
                .isEqualTo(MalformedHttpException.Kind.HEADERS_TOO_LARGE);
        assertThat(refused("GET / HTTP/1.1\r\nHost: a\r\n" + "X: b\r\n".repeat(17) + "\r\n").kind())
                .isEqualTo(MalformedHttpException.Kind.HEADERS_TOO_LARGE);
    }

    @Test
    void request_endingEarly_isEndOfStream() {
        assertThatThrownBy(() -> HeadParser.request(Wire.trickled("GET / HTTP/1.1\r\nHost: a\r\n"), Wire.LIMITS))
                .isInstanceOf(EOFException.class);
    }

    @Test
    void response_readsStatusAndFields_withOrWithoutReason() throws Exception {
        ResponseHead head = HeadParser.response(Wire.trickled(
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"), Wire.LIMITS);
        assertThat(head.status()).isEqualTo(404);
        assertThat(head.headers().first("content-length")).contains("0");
        assertThat(HeadParser.response(Wire.whole("HTTP/1.0 200\r\n\r\n"), Wire.LIMITS).minorVersion()).isZero();
        assertThat(HeadParser.response(Wire.whole("HTTP/1.1 204 \r\n\r\n"), Wire.LIMITS).status()).isEqualTo(204);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1 20 OK\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 OK\r\n\r\n",
        "HTTP/1.1 099 X\r\n\r\n", "ICY 200 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n",
        "HTTP/1.1 200 O\u0001K\r\n\r\n"})
    void response_brokenSyntax_isMalformed(String text) {
        assertThatThrownBy(() -> HeadParser.response(Wire.whole(text), Wire.LIMITS))
                .isInstanceOf(MalformedHttpException.class);
    }
}
