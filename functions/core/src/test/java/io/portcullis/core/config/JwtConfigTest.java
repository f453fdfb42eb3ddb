package io.portcullis.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.core.Fixtures;
import io.portcullis.core.config.GatewayConfig.SessionStoreType;
import io.portcullis.core.jwt.JwtAlgorithm;
import io.portcullis.core.jwt.JwtKey;
import io.portcullis.core.jwt.JwtMint;
import io.portcullis.core.route.Route;
import io.portcullis.core.session.AesGcmCredentials;
import io.portcullis.core.session.Base64Credentials;
import io.portcullis.core.token.TokenType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code jwt} and {@code sessions} sections and the new route keys: typed values, and problems naming keys. */
class JwtConfigTest {
    private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    @TempDir
    Path dir;

    @Test
    void load_jwtAndSessions_giveTypedValues() {
        GatewayConfig config = Fixtures.config(dir, """
                store: { type: memory }
                jwt:
                  issuer: https://idp.example
                  audience: [portcullis, api]
                  clock-skew: 30s
                  max-lifetime: 12h
                  cookie: Authorization
                  cookie-base64: true
                  roles-claim: groups
                  default-route-token: any
                  jwks-url: http://127.0.0.1:8081/jwks.json
                  jwks-refresh: 30s
                  keys:
                    - { algorithm: HS512, secret: "%s" }
                    - { kid: ed, algorithm: EdDSA, public-key: "%s" }
                sessions:
                  store: redis
                  redis-uri: "redis://:pw@127.0.0.1:6379/1"
                  read-timeout-ms: 250
                  format: aes-gcm
                  keys: [ { id: c1, key: "%s" } ]
                routes:
                  - { prefix: /mail, target: "http://127.0.0.1:9000", inject-credentials: true, token: jwt }
                  - { prefix: /api, target: "http://127.0.0.1:9000" }
                  - { prefix: /own, target: "http://127.0.0.1:9000", token: portcullis }
                """.formatted(JwtMint.HMAC_SECRET, JwtMint.pemYaml(JwtMint.ed25519("ed")), KEY));

        assertThat(config.jwt().issuer()).contains("https://idp.example");
        assertThat(config.jwt().audiences()).containsExactly("portcullis", "api");
        assertThat(config.jwt().clockSkew()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.jwt().keys()).extracting(JwtKey::algorithm).containsExactly(JwtAlgorithm.HS512,
                JwtAlgorithm.EDDSA);
        assertThat(config.jwt().cookieBase64()).isTrue();
        assertThat(config.maxTokenLifetime()).as("max-lifetime, plus twice the widest clock skew a reload may set")
                .isEqualTo(Duration.ofHours(12).plusMinutes(20));
        assertThat(config.sessions().store()).isEqualTo(SessionStoreType.REDIS);
        assertThat(config.sessions().readTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.sessions().format()).get().isInstanceOf(AesGcmCredentials.class);
        Route mail = config.routes().get(0);
        assertThat(mail.tokenType()).isEqualTo(TokenType.JWT);
        assertThat(mail.sessionClaim()).contains("sid");
        assertThat(config.routes().get(1).tokenType()).isEqualTo(TokenType.ANY);
        assertThat(config.routes().get(2).tokenType()).isEqualTo(TokenType.PORTCULLIS);
    }

    @Test
    void load_withoutJwtSection_routesTakePortcullisTokens_andSessionsDefaultToTheStoreKind() {
        GatewayConfig config = Fixtures.config(dir, """
                store: { type: embedded }
                sessions: { format: base64 }
                routes: [ { prefix: /api, target: "http://127.0.0.1:9000" } ]
                """);

        assertThat(config.jwt().enabled()).isFalse();
        assertThat(config.routes().get(0).tokenType()).isEqualTo(TokenType.PORTCULLIS);
        assertThat(config.sessions().store()).isEqualTo(SessionStoreType.DYNAMODB);
        assertThat(config.sessions().format()).get().isInstanceOf(Base64Credentials.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            jwt.keys: the jwt section needs at least one key or a jwks-url            | jwt: { issuer: x }
            jwt.keys.0.algorithm: must be one of                                        | jwt: { keys: [ { algorithm: RS512, secret: x } ] }
            jwt.keys.0.algorithm: is required                                           | jwt: { keys: [ { secret: x } ] }
            jwt.keys.0.secret: the secret is 5 bytes; HS256 needs at least 32           | jwt: { keys: [ { algorithm: HS256, secret: short } ] }
            jwt.keys.0.secret: RS256 takes a public-key                                 | jwt: { keys: [ { algorithm: RS256, secret: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx } ] }
            jwt.keys.0.public-key: is required for ES256                                | jwt: { keys: [ { algorithm: ES256 } ] }
            jwt.keys.0.public-key: expected a PEM block                                 | jwt: { keys: [ { algorithm: EdDSA, public-key: nonsense } ] }
            jwt.keys.0.kiid: unknown key                                                | jwt: { keys: [ { kiid: a, algorithm: HS256, secret: Zr8u2Wq0Lk5sXe1Vb7Nm3Pj9Hf4Td6Ga2Yc8Ui0Ro5E } ] }
            jwt.clock-skew: must be at most 10 minutes                                  | jwt: { clock-skew: 1h, jwks-url: "https://idp.example/jwks" }
            jwt.max-lifetime: must be between 1 minute and 366 days                     | jwt: { max-lifetime-seconds: 40000000, jwks-url: "https://idp.example/jwks" }
            jwt.jwks-url: must be https://                                              | jwt: { jwks-url: "http://idp.example/jwks" }
            jwt.jwks-refresh: must be at least 1s                                       | jwt: { jwks-url: "https://idp.example/jwks", jwks-refresh: 0s }
            jwt.jwks-max-age: must be at least jwks-refresh                             | jwt: { jwks-url: "https://idp.example/jwks", jwks-refresh: 10m, jwks-max-age: 1m }
            jwt.jwks-timeout: must be above zero                                        | jwt: { jwks-url: "https://idp.example/jwks", jwks-timeout: 0s }
            jwt.cookie: is not a cookie name                                            | jwt: { jwks-url: "https://idp.example/jwks", cookie: "a b" }
            jwt.cookie-base64: needs jwt.cookie                                         | jwt: { jwks-url: "https://idp.example/jwks", cookie-base64: true }
            jwt.roles-claim: is not a claim name                                        | jwt: { jwks-url: "https://idp.example/jwks", roles-claim: "a b" }
            jwt.default-route-token: must be portcullis, jwt or any                     | jwt: { jwks-url: "https://idp.example/jwks", default-route-token: oauth }
            jwt.issuer: expected a single value                                         | jwt: { jwks-url: "https://idp.example/jwks", issuer: [a, b] }
            sessions.store: must be memory, dynamodb or redis                           | sessions: { store: mongo, format: base64 }
            sessions.store: dynamodb needs store.type embedded or dynamodb              | { store: { type: memory }, sessions: { store: dynamodb, format: base64 } }
            sessions.redis-uri: is required with store: redis                           | sessions: { store: redis, format: base64 }
            sessions.redis-uri: must be redis://host                                    | sessions: { store: redis, redis-uri: "http://x", format: base64 }
            sessions.redis-uri: the path, if any, is the database number                | sessions: { store: redis, redis-uri: "redis://x/abc", format: base64 }
            sessions.redis-uri: only applies to store: redis                            | sessions: { store: memory, redis-uri: "redis://x", format: base64 }
            sessions.pool-size: must be between 1 and 1024                              | sessions: { pool-size: 0, format: base64 }
            sessions: connect-timeout and read-timeout must be above zero               | sessions: { read-timeout: 0s, format: base64 }
            sessions.format: must be aes-gcm or base64                                  | sessions: { format: rot13 }
            sessions.keys: format aes-gcm needs at least one key                        | sessions: { format: aes-gcm }
            sessions.keys: format base64 takes no keys                                  | sessions: { format: base64, keys: [ { id: c1, key: x } ] }
            sessions.keys.0.key: the key is 3 bytes; AES-256 needs exactly 32           | sessions: { keys: [ { id: c1, key: "YWJj" } ] }
            sessions.keys.0.id: a credential key id is                                  | sessions: { keys: [ { id: "a b", key: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" } ] }
            sessions.keys.0.key: refers to ${PORTCULLIS_CREDENTIALS_KEY}, which is not set | sessions: { keys: [ { id: c1, key: "${PORTCULLIS_CREDENTIALS_KEY}" } ] }
            sessions.sotre: unknown key                                                 | sessions: { sotre: redis, format: base64 }
            routes.0.token: must be portcullis, jwt or any                              | routes: [ { prefix: /a, target: "http://x", token: saml } ]
            routes.0.token: JWTs need the jwt section                                   | routes: [ { prefix: /a, target: "http://x", token: jwt } ]
            routes.0.token: a route open to anyone (secure: false) takes no token       | routes: [ { prefix: /a, target: "http://x", token: portcullis, secure: false } ]
            routes.0.inject-credentials: needs token: jwt                               | { jwt: { jwks-url: "https://i/j" }, sessions: { format: base64 }, routes: [ { prefix: /a, target: "http://x", token: any, inject-credentials: true } ] }
            routes.0.inject-credentials: needs the sessions section                     | { jwt: { jwks-url: "https://i/j" }, routes: [ { prefix: /a, target: "http://x", token: jwt, inject-credentials: true } ] }
            routes.0.inject-credentials: must be true or false                          | routes: [ { prefix: /a, target: "http://x", inject-credentials: maybe } ]
            routes.0.session-claim: only applies with inject-credentials: true          | { jwt: { jwks-url: "https://i/j" }, routes: [ { prefix: /a, target: "http://x", token: jwt, session-claim: sid } ] }
            """)
    void load_problem_namesTheKey(String expected, String yaml) {
        String body = yaml.strip().startsWith("{") ? flowToBlock(yaml.strip()) : yaml.strip();
        String config = body.contains("routes:") ? body : body + "\nroutes: [ { prefix: /r, target: \"http://x\" } ]";

        assertThatThrownBy(() -> Fixtures.config(dir, config + "\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .anySatisfy(problem -> assertThat(problem).startsWith(expected)));
    }

    @Test
    void load_secretsAreNeverEchoed() {
        String secret = "super-secret-value-that-is-long-enough-for-nothing";
        assertThatThrownBy(() -> Fixtures.config(dir, """
                jwt: { keys: [ { algorithm: RS256, public-key: "%s" } ] }
                sessions: { store: redis, redis-uri: "redis://:%s@h/x" , format: base64 }
                routes: [ { prefix: /r, target: "http://x" } ]
                """.formatted(secret, secret))).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(String.join("\n", e.problems())).doesNotContain(secret));
    }

    /** Turns a one-line flow mapping of sections into block YAML, so the base config's keys stay top-level. */
    private static String flowToBlock(String flow) {
        Map<String, Object> parsed = new org.yaml.snakeyaml.Yaml().load(flow);
        StringBuilder out = new StringBuilder();
        parsed.forEach((key, value) -> out.append(key).append(": ")
                .append(new org.yaml.snakeyaml.Yaml().dumpAs(value, null, org.yaml.snakeyaml.DumperOptions.FlowStyle.FLOW)
                        .strip()).append('\n'));
        return out.toString();
    }

    @Test
    void jwtKeys_forOneAlgorithm_canCoexistWithDifferentKids() {
        GatewayConfig config = Fixtures.config(dir, """
                jwt:
                  keys:
                    - { kid: a, algorithm: HS256, secret: "%1$s" }
                    - { kid: b, algorithm: HS256, secret: "%1$s" }
                routes: [ { prefix: /r, target: "http://x", token: jwt } ]
                """.formatted(JwtMint.HMAC_SECRET));

        assertThat(config.jwt().keys()).hasSize(2);
        assertThat(List.of(config.routes().get(0).tokenType())).containsExactly(TokenType.JWT);
    }
}
