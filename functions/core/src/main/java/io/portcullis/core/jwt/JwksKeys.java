package io.portcullis.core.jwt;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.portcullis.core.StoreUnavailableException;
import io.portcullis.core.port.JwksFetcher;
import java.io.IOException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The public keys a JWKS URL publishes, cached. Fetched on first use (never at startup, so a Lambda snapshot
 * holds none and an identity provider that is down does not stop the gateway), then:
 *
 * <ul>
 *   <li>a token whose {@code kid} the cached set lacks triggers one refetch (the provider rotated keys), but the
 *       document is fetched at most once per {@code refresh} interval, however many such tokens arrive: junk key
 *       ids cannot turn the gateway into a load generator against the provider;</li>
 *   <li>a set older than {@code maxAge} is refetched on use, so keys the provider withdrew stop verifying; if that
 *       fails, the old set stays in use (an outage of the provider does not log everyone out) and the fetch is
 *       retried once per {@code refresh};</li>
 *   <li>with no set at all (the first fetch failed), checks answer 503 until a fetch succeeds.</li>
 * </ul>
 * Fetches are serialised: concurrent requests wait for one fetch rather than each making their own.
 */
public final class JwksKeys {
    private static final System.Logger LOG = System.getLogger(JwksKeys.class.getName());

    private record Snapshot(List<JwtKey> keys, Instant fetchedAt) {
    }

    private final URI url;
    private final JwksFetcher fetcher;
    private final Duration refresh;
    private final Duration maxAge;
    private final Clock clock;
    private volatile Snapshot snapshot;
    private volatile Instant lastAttempt;

    public JwksKeys(URI url, JwksFetcher fetcher, Duration refresh, Duration maxAge, Clock clock) {
        this.url = url;
        this.fetcher = fetcher;
        this.refresh = refresh;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /**
     * The published keys, refetched first when the set is missing, too old, or lacks {@code keyId} (each within the
     * refresh limit).
     *
     * @throws StoreUnavailableException when no set has ever been fetched and fetching now fails or is not allowed
     */
    List<JwtKey> keys(Optional<String> keyId) {
        Snapshot current = snapshot;
        if (current == null || stale(current) || keyId.isPresent() && !names(current, keyId.get())) {
            current = refetch(keyId);
        }
        return current.keys();
    }

    private boolean stale(Snapshot current) {
        return !clock.instant().isBefore(current.fetchedAt().plus(maxAge));
    }

    private static boolean names(Snapshot current, String keyId) {
        return current.keys().stream().anyMatch(key -> key.keyId().filter(keyId::equals).isPresent());
    }

    private synchronized Snapshot refetch(Optional<String> keyId) {
        Snapshot current = snapshot;
        boolean needed = current == null || stale(current) || keyId.isPresent() && !names(current, keyId.get());
        Instant now = clock.instant();
        boolean allowed = lastAttempt == null || !now.isBefore(lastAttempt.plus(refresh));
        if (needed && allowed) {
            lastAttempt = now;
            try {
                current = new Snapshot(parse(fetcher.fetchKeySet(url)), now);
                snapshot = current;
            } catch (IOException | ParseException e) {
                LOG.log(System.Logger.Level.WARNING, "JWKS " + url + " could not be fetched"
                        + (current == null ? "" : "; keeping the keys fetched at " + current.fetchedAt()) + ": "
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
        }
        if (current == null) {
            throw new StoreUnavailableException("no JWKS from " + url + " yet", null);
        }
        return current;
    }

    private static List<JwtKey> parse(String document) throws ParseException {
        return JWKSet.parse(document).getKeys().stream()
                .map(JWK::toPublicJWK)
                .filter(java.util.Objects::nonNull)
                .flatMap(jwk -> JwtKey.fromJwk(jwk).stream())
                .toList();
    }
}
