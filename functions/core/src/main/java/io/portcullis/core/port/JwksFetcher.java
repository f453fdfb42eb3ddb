package io.portcullis.core.port;

import java.io.IOException;
import java.net.URI;

/**
 * Fetches a JSON Web Key Set document. The core decides when to fetch (caching, refetch on an unknown key id, at
 * most once per interval) and what to accept from it; an adapter only moves the bytes, bounded in time and size.
 */
public interface JwksFetcher {
    /**
     * The document at {@code url}, as text.
     *
     * @throws IOException when it cannot be had: unreachable, timed out, not 200, too large
     */
    String fetchKeySet(URI url) throws IOException;

    /** For gateways whose configuration names no JWKS URL: every fetch fails. */
    static JwksFetcher none() {
        return url -> {
            throw new IOException("no JWKS fetcher is wired into this gateway");
        };
    }
}
