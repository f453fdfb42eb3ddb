package io.portcullis.infra.http1;

/**
 * A response's status line and header fields, as received from a backend.
 *
 * @param minorVersion 1 for HTTP/1.1, 0 for HTTP/1.0
 * @param status the three-digit status code
 * @param headers the header fields
 */
public record ResponseHead(int minorVersion, int status, HeaderFields headers) {

    /** Whether the backend keeps the connection open after this answer (RFC 9112 §9.3). */
    public boolean keepAlive() {
        if (headers.hasToken("Connection", "close")) {
            return false;
        }
        return minorVersion == 1 || headers.hasToken("Connection", "keep-alive");
    }
}
