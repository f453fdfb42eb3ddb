package io.portcullis.infra.jwks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import io.portcullis.core.MutableClock;
import io.portcullis.core.StoreUnavailableException;
import io.portcullis.core.jwt.InvalidJwtException;
import io.portcullis.core.jwt.JwksKeys;
import io.portcullis.core.jwt.JwtMint;
import io.portcullis.core.jwt.JwtSettings;
import io.portcullis.core.jwt.JwtVerifier;
import io.portcullis.core.token.TokenType;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Key rotation at a JWKS URL served by a real local HTTP server, fetched by the real fetcher. */
class JwksRotationTest {
    private static final Duration REFRESH = Duration.ofMinutes(1);
    private static final Duration MAX_AGE = Duration.ofHours(1);

    private final RSAKey first = JwtMint.rsa("2026-01");
    private final RSAKey second = JwtMint.rsa("2026-02");
    private final AtomicReference<String> document = new AtomicReference<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicInteger fetches = new AtomicInteger();
    private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
    private HttpServer server;
    private JwtVerifier verifier;

    @BeforeEach
    void start() throws Exception {
        publish(first);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] body = document.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/jwk-set+json");
            exchange.sendResponseHeaders(status.get(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json");
        JwtSettings settings = new JwtSettings(Optional.empty(), List.of(), Duration.ofSeconds(30), Duration.ofDays(1),
                List.of(), Optional.of(url), REFRESH, MAX_AGE, Duration.ofSeconds(2), Optional.empty(), false, "roles",
                TokenType.JWT);
        verifier = new JwtVerifier(settings, Optional.of(new JwksKeys(url, new HttpJwksFetcher(Duration.ofSeconds(2)),
                REFRESH, MAX_AGE, clock)));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void publish(RSAKey... keys) {
        document.set(new JWKSet(List.of(keys)).toPublicJWKSet().toString());
    }

    private String token(RSAKey key) {
        return JwtMint.sign(key, JwtMint.claims("alice", clock.instant()).build());
    }

    @Test
    void verify_fetchesOnFirstUse_thenServesFromTheCache() throws Exception {
        assertThat(fetches).hasValue(0);

        verifier.verifyAndDecode(token(first), clock.instant());
        verifier.verifyAndDecode(token(first), clock.instant());

        assertThat(fetches).hasValue(1);
    }

    @Test
    void verify_newKid_isPickedUpAfterOneRefetch() throws Exception {
        verifier.verifyAndDecode(token(first), clock.instant());
        clock.advance(REFRESH);
        publish(first, second);

        assertThat(verifier.verifyAndDecode(token(second), clock.instant()).claims().subject()).isEqualTo("alice");
        assertThat(fetches).hasValue(2);
        verifier.verifyAndDecode(token(second), clock.instant());
        verifier.verifyAndDecode(token(first), clock.instant());
        assertThat(fetches).hasValue(2);
    }

    @Test
    void verify_unknownKids_refetchAtMostOncePerInterval() throws Exception {
        verifier.verifyAndDecode(token(first), clock.instant());
        RSAKey stranger = JwtMint.rsa("junk");

        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> verifier.verifyAndDecode(token(stranger), clock.instant()))
                    .isInstanceOf(InvalidJwtException.class);
        }
        assertThat(fetches).as("one fetch at first use; the unknown kid came within the interval").hasValue(1);

        clock.advance(REFRESH);
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> verifier.verifyAndDecode(token(stranger), clock.instant()))
                    .isInstanceOf(InvalidJwtException.class);
        }
        assertThat(fetches).hasValue(2);
    }

    @Test
    void verify_keyWithdrawnFromTheJwks_stopsVerifyingOnceTheSetIsTooOld() throws Exception {
        verifier.verifyAndDecode(token(first), clock.instant());
        publish(second);

        clock.advance(MAX_AGE);

        assertThatThrownBy(() -> verifier.verifyAndDecode(token(first), clock.instant()))
                .isInstanceOf(InvalidJwtException.class);
        assertThat(fetches).hasValue(2);
    }

    @Test
    void verify_providerDown_keepsTheKeysItHas_butWithNoneYetIsUnavailable() throws Exception {
        verifier.verifyAndDecode(token(first), clock.instant());
        status.set(500);
        clock.advance(MAX_AGE);

        assertThat(verifier.verifyAndDecode(token(first), clock.instant()).claims().subject()).isEqualTo("alice");

        server.stop(0);
        JwtVerifier fresh = new JwtVerifier(JwtSettings.none(), Optional.of(new JwksKeys(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json"),
                new HttpJwksFetcher(Duration.ofMillis(500)), REFRESH, MAX_AGE, clock)));
        assertThatThrownBy(() -> fresh.verifyAndDecode(token(first), clock.instant()))
                .isInstanceOf(StoreUnavailableException.class);
    }
}
