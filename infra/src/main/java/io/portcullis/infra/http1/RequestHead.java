package io.portcullis.infra.http1;

/**
 * A request's start line and header fields, as received.
 *
 * @param method the method token, case kept (methods are case-sensitive)
 * @param target the request target exactly as sent
 * @param rawPath the target's path, still percent-encoded ({@code *} and an authority stay as they came, for the
 *     caller to refuse)
 * @param rawQuery the target's query without {@code ?}, untouched; empty when there is none
 * @param minorVersion 1 for HTTP/1.1, 0 for HTTP/1.0
 * @param headers the header fields
 */
public record RequestHead(String method, String target, String rawPath, String rawQuery, int minorVersion,
        HeaderFields headers) {

    /**
     * Whether the connection stays open after the answer: HTTP/1.1 unless the client said {@code close}; HTTP/1.0
     * only when it asked for {@code keep-alive} (RFC 9112 §9.3).
     */
    public boolean keepAlive() {
        if (headers.hasToken("Connection", "close")) {
            return false;
        }
        return minorVersion == 1 || headers.hasToken("Connection", "keep-alive");
    }
}
