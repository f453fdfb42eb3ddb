package io.portcullis.core.config;

import static io.portcullis.core.Fixtures.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.core.Fixtures;
import io.portcullis.core.config.GatewayConfig.StoreType;
import io.portcullis.core.route.Route;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void load_fullExample_givesTypedValues() {
        GatewayConfig config = Fixtures.config(dir, """
                users:
                  - { username: alice, password: "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA", roles: [admin], allow: [10.0.0.0/8] }
                rate-limits:
                  proxy: { requests-per-second: 10, burst: 100, block-delay-ms: 0 }
                  auth:  { requests-per-second: 1,  burst: 10,  block-delay: 500ms }
                trusted-proxies: [127.0.0.1/32, "::1/128"]
                store: { type: memory }
                identity-headers: { user: x-user, roles: x-user-roles, token-id: x-token-id }
                upstream: { connect-timeout: 2s, read-timeout-seconds: 10 }
                routes:
                  - prefix: /api
                    target: http://127.0.0.1:9000
                    users: [alice]
                    roles: [admin]
                    methods: [get, POST]
                  - { prefix: /public/, target: "http://127.0.0.1:9001/base", secure: false, preserve-prefix: true }
                """);

        assertThat(config.tokens().ttl()).isEqualTo(Duration.ofHours(1));
        assertThat(config.tokens().keyRing().issuingKey().id()).isEqualTo("k1");
        assertThat(config.users()).singleElement().satisfies(u -> {
            assertThat(u.username()).isEqualTo("alice");
            assertThat(u.hashed()).isTrue();
            assertThat(u.roles()).containsExactly("admin");
        });
        assertThat(config.rateLimits().auth().blockDelay()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.rateLimits().proxy().burst()).isEqualTo(100);
        assertThat(config.trustedProxies().blocks()).hasSize(2);
        assertThat(config.trustedProxies().source()).as("the default").isEqualTo(
                io.portcullis.core.net.TrustedProxies.Source.X_FORWARDED_FOR);
        assertThat(config.store().type()).isEqualTo(StoreType.MEMORY);
        assertThat(config.upstream().connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.upstream().readTimeout()).isEqualTo(Duration.ofSeconds(10));
        Route api = config.routes().get(0);
        assertThat(api.secure()).isTrue();
        assertThat(api.methods()).containsExactlyInAnyOrder("GET", "POST");
        Route open = config.routes().get(1);
        assertThat(open.prefix()).isEqualTo("/public");
        assertThat(open.secure()).isFalse();
        assertThat(open.preservePrefix()).isTrue();
    }

    @Test
    void load_routeWithoutSecureKey_isSecure() {
        GatewayConfig config = Fixtures.config(dir, "routes: [ { prefix: /x, target: http://h:1 } ]\n");

        assertThat(config.routes().getFirst().secure()).isTrue();
    }

    @Test
    void load_everyProblemIsReported_eachNamingItsKey() {
        Path file = Fixtures.write(dir, "bad.yaml", """
                tokens: { keys: [ { id: k1, secret: short } ] }
                rate-limits: { proxy: { requests-per-second: 5, burst: 0 } }
                trusted-proxies: [ not-a-cidr ]
                routes:
                  - { prefix: api, target: ftp://x }
                  - { prefix: /y, target: "http://y:1", secrue: false, users: [] }
                colour: blue
                """);

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).anySatisfy(
                        p -> assertThat(p).startsWith("tokens.keys.0.secret:").contains("at least 32"))
                        .anySatisfy(p -> assertThat(p).startsWith("rate-limits.proxy.burst:"))
                        .anySatisfy(p -> assertThat(p).startsWith("trusted-proxies:").contains("not-a-cidr"))
                        .anySatisfy(p -> assertThat(p).startsWith("routes.0.prefix:"))
                        .anySatisfy(p -> assertThat(p).startsWith("routes.0.target:").contains("http"))
                        .anySatisfy(p -> assertThat(p).startsWith("routes.1.secrue:").contains("unknown key"))
                        .anySatisfy(p -> assertThat(p).startsWith("routes.1.users:").contains("admits nobody"))
                        .anySatisfy(p -> assertThat(p).startsWith("colour:").contains("unknown key")));
    }

    @Test
    void load_browserAndTotpProblems_eachNamingItsKey() {
        Path file = Fixtures.write(dir, "browser.yaml", Fixtures.baseYaml() + """
                users:
                  - { username: a, password: x, totp-secret: JBSWY3DPEHPK3PXP }
                  - { username: b, password: x, totp-secret: "not base32!" }
                browser:
                  cookie: "bad name"
                  max-age-seconds: 10
                  login-redirect: //evil.example/
                  logout-redirect: https://evil.example/
                  login-error-redirect: /login?x=1
                  colour: red
                totp: { algorithm: MD5, issuer: "a:b" }
                """);

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).startsWith("users.0.totp-secret:").contains("80 bits"))
                        .anySatisfy(p -> assertThat(p).startsWith("users.1.totp-secret:").contains("base32"))
                        .anySatisfy(p -> assertThat(p).startsWith("browser.cookie:"))
                        .anySatisfy(p -> assertThat(p).startsWith("browser.max-age"))
                        .anySatisfy(p -> assertThat(p).startsWith("browser.login-redirect:").contains("open redirect"))
                        .anySatisfy(p -> assertThat(p).startsWith("browser.logout-redirect:"))
                        .anySatisfy(p -> assertThat(p).startsWith("browser.login-error-redirect:"))
                        .anySatisfy(p -> assertThat(p).startsWith("browser.colour:").contains("unknown key"))
                        .anySatisfy(p -> assertThat(p).startsWith("totp.algorithm:"))
                        .anySatisfy(p -> assertThat(p).startsWith("totp.issuer:"))
                        .noneSatisfy(p -> assertThat(p).contains("JBSWY3DPEHPK3PXP")));
    }

    @Test
    void load_logSection_defaultsToLocal_andLokiGetsThePushPath() {
        assertThat(Fixtures.config(dir, "").log()).isEqualTo(LogSettings.local());

        LogSettings loki = Fixtures.config(dir, """
                log:
                  type: loki
                  access: false
                  loki-url: "https://logs.example:3100"
                  loki-labels: { instance: gw-1, env: prod }
                  loki-tenant: team-a
                """).log();
        assertThat(loki.type()).isEqualTo(LogSettings.Type.LOKI);
        assertThat(loki.access()).isFalse();
        assertThat(loki.lokiUrl()).hasValueSatisfying(url -> assertThat(url)
                .hasToString("https://logs.example:3100/loki/api/v1/push"));
        assertThat(loki.lokiLabels()).containsEntry("instance", "gw-1").containsEntry("env", "prod");
        assertThat(loki.lokiTenant()).contains("team-a");
        assertThat(Fixtures.config(dir, "log: { type: loki, loki-url: \"http://10.0.0.1/custom/push\" }").log()
                .lokiUrl()).hasValueSatisfying(url -> assertThat(url).hasToString("http://10.0.0.1/custom/push"));
    }

    @Test
    void load_logProblems_eachNamingItsKey() {
        Path file = Fixtures.write(dir, "log.yaml", Fixtures.baseYaml() + """
                log: { type: syslog, loki-url: "ftp://x", loki-labels: { app: x, "bad-name": y }, colour: red }
                """);
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).startsWith("log.type: must be local, loki or disabled"))
                        .anySatisfy(p -> assertThat(p).startsWith("log.loki-url: must be an http or https URL"))
                        .anySatisfy(p -> assertThat(p).startsWith("log.loki-labels.app:"))
                        .anySatisfy(p -> assertThat(p).startsWith("log.loki-labels.bad-name:"))
                        .anySatisfy(p -> assertThat(p).startsWith("log.colour:").contains("unknown key")));

        Path noUrl = Fixtures.write(dir, "nourl.yaml", Fixtures.baseYaml() + "log: { type: loki }\n");
        assertThatThrownBy(() -> ConfigLoader.load(noUrl, Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .containsExactly("log.loki-url: is required with type: loki (e.g. http://127.0.0.1:3100)"));
    }

    @Test
    void load_browserDefaults_areSafe() {
        GatewayConfig config = Fixtures.config(dir, "browser: { }\n");

        GatewayConfig.Browser browser = config.browser().orElseThrow();
        assertThat(browser.cookie()).isEqualTo("__Host-portcullis");
        assertThat(browser.csrf()).isTrue();
        assertThat(browser.loginRedirect()).isEqualTo("/");
        assertThat(browser.maxAge()).isEqualTo(config.tokens().ttl());
        assertThat(Fixtures.config(dir, "").browser()).isEmpty();
    }

    @Test
    void load_problems_neverEchoTheSecret() {
        String weak = "supersecretvaluesupersecretvalue";
        Path file = Fixtures.write(dir, "weak.yaml", "tokens: { keys: [ { id: k1, secret: " + weak + " } ] }\n");

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .hasMessageContaining("tokens.keys.0.secret").hasMessageNotContaining(weak);
    }

    @Test
    void load_noKeys_isRefused() {
        Path file = Fixtures.write(dir, "nokeys.yaml", "routes: []\n");

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of())).hasMessageContaining("tokens.keys");
    }

    @Test
    void load_secretFromEnvironmentVariable() {
        Path file = Fixtures.write(dir, "env.yaml",
                "tokens: { keys: [ { id: k1, secret: \"${PORTCULLIS_TOKEN_SECRET}\" } ] }\n" + Fixtures.FAST_ARGON2);

        GatewayConfig config = ConfigLoader.load(file, Map.of("PORTCULLIS_TOKEN_SECRET", SECRET));

        assertThat(config.tokens().keyRing().issuingKey().id()).isEqualTo("k1");
    }

    @Test
    void load_missingEnvironmentVariable_namesKeyAndVariable() {
        Path file = Fixtures.write(dir, "env.yaml",
                "tokens: { keys: [ { id: k1, secret: \"${PORTCULLIS_TOKEN_SECRET}\" } ] }\n");

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .hasMessageContaining("tokens.keys.0.secret").hasMessageContaining("PORTCULLIS_TOKEN_SECRET");
    }

    @Test
    void load_environmentOverridesAnyKey() {
        Path file = Fixtures.write(dir, "o.yaml", Fixtures.baseYaml()
                + "rate-limits: { proxy: { burst: 100 } }\nroutes: [ { prefix: /x, target: http://h:1 } ]\n");

        GatewayConfig config = ConfigLoader.load(file, Map.of(
                "RATE_dash_LIMITS_PROXY_BURST", "7",
                "ROUTES_0_TARGET", "http://other:2"));

        assertThat(config.rateLimits().proxy().burst()).isEqualTo(7);
        assertThat(config.routes().getFirst().target().toString()).isEqualTo("http://other:2");
    }

    @Test
    void load_requestsPerSecondZero_meansUnlimited() {
        GatewayConfig config = Fixtures.config(dir, "rate-limits: { proxy: { requests-per-second: 0, burst: 0 } }\n");

        assertThat(config.rateLimits().proxy().unlimited()).isTrue();
    }

    /** Issue 17 item 3: with logins unlimited, passwords can be guessed as fast as Argon2 runs; say so. */
    @Test
    void warnings_loginLimitOff_isNamed_otherwiseNone() {
        GatewayConfig off = Fixtures.config(dir, "rate-limits: { auth: { requests-per-second: 0 } }\n");
        GatewayConfig defaults = Fixtures.config(dir, "rate-limits: { proxy: { requests-per-second: 0 } }\n");

        assertThat(off.warnings()).singleElement().asString()
                .startsWith("rate-limits.auth.requests-per-second: logins are not rate-limited");
        assertThat(defaults.warnings()).isEmpty();
    }

    /**
     * Issue 17 item 2, YAML side: every boolean key goes through ConfigReader.bool, which refuses anything but
     * true/false (ProxyAuth's files now follow the same rule, ProxyAuthFilesTest).
     */
    @Test
    void load_aValueThatIsNotABoolean_isAProblemNamingTheKey() {
        assertThatThrownBy(() -> ConfigLoader.load(Fixtures.write(dir, "p.yaml", """
                tokens: { keys: [ { id: k1, secret: "%s", active: yes please } ] }
                store: { type: memory, create-tables: maybe, shared-rate-limits: 2 }
                log: { access: flase }
                totp: { required: nope }
                proxyauth: { stats: sometimes }
                routes:
                  - { prefix: /a, target: "http://a:1", secure: flase, preserve-prefix: 1, cache: nah, csrf: x,
                      secure-path: y, replay-non-idempotent: z, filters: { default-allow: w } }
                  - { prefix: /b, backends: [ { url: "http://b:1", standby: often }, "http://c:1" ] }
                """.formatted(SECRET)), Map.of())).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(
                e.problems()).filteredOn(p -> p.endsWith(": must be true or false")).extracting(p -> p.split(":")[0])
                .containsExactlyInAnyOrder("tokens.keys.0.active", "store.create-tables", "store.shared-rate-limits",
                        "log.access", "totp.required", "proxyauth.stats", "routes.0.secure", "routes.0.preserve-prefix",
                        "routes.0.cache", "routes.0.csrf", "routes.0.secure-path", "routes.0.replay-non-idempotent",
                        "routes.0.filters.default-allow", "routes.1.backends.0.standby"));
    }

    @Test
    void load_usersAndRoutesFromTheirOwnFiles() {
        Fixtures.write(dir, "users.yaml", "users: [ { username: bob, password: pw } ]\n");
        Fixtures.write(dir, "routes.yaml", "routes: [ { prefix: /r, target: http://r:1 } ]\n");

        GatewayConfig config = Fixtures.config(dir, "users-file: users.yaml\nroutes-file: routes.yaml\n");

        assertThat(config.users()).extracting(GatewayConfig.UserEntry::username).containsExactly("bob");
        assertThat(config.usersFile()).contains(dir.resolve("users.yaml").toAbsolutePath());
        assertThat(config.routes()).extracting(Route::prefix).containsExactly("/r");
    }

    @Test
    void fromYaml_readsTextWithEnvironment_andStillRefusesUnknownKeys() {
        String yaml = "tokens: { keys: [ { id: k1, secret: \"${PORTCULLIS_TOKEN_SECRET}\" } ] }\n"
                + "routes: [ { prefix: /x, target: \"http://h:1\" } ]\n";

        GatewayConfig config = ConfigLoader.fromYaml(yaml, Map.of("PORTCULLIS_TOKEN_SECRET", SECRET,
                "STORE_TYPE", "memory"));

        assertThat(config.routes()).extracting(Route::prefix).containsExactly("/x");
        assertThat(config.store().type()).isEqualTo(StoreType.MEMORY);
        assertThatThrownBy(() -> ConfigLoader.fromYaml(yaml + "routs: []\n", Map.of("PORTCULLIS_TOKEN_SECRET", SECRET)))
                .hasMessageContaining("routs: unknown key");
    }

    @Test
    void load_missingFile_namesIt() {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("absent.yaml"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("absent.yaml");
    }

    @Test
    void load_usernameWithSpaceOrRoleWithComma_isRefused() {
        assertThatThrownBy(() -> Fixtures.config(dir, "users: [ { username: \"a b\", password: x, roles: [\"a,b\"] } ]\n"))
                .hasMessageContaining("users.0.username").hasMessageContaining("users.0.roles");
    }

    @Test
    void load_identityHeaderThatGatewayManages_isRefused() {
        assertThatThrownBy(() -> Fixtures.config(dir, "identity-headers: { user: Authorization }\n"))
                .hasMessageContaining("identity-headers.user");
    }

    @Test
    void load_trustedProxyHeader_forwardedOrRefusedNamingTheKey() {
        assertThat(Fixtures.config(dir, "trusted-proxies: [10.0.0.0/8]\ntrusted-proxy-header: Forwarded\n")
                .trustedProxies().source()).isEqualTo(io.portcullis.core.net.TrustedProxies.Source.FORWARDED);
        assertThatThrownBy(() -> Fixtures.config(dir, "trusted-proxy-header: x-real-ip\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "trusted-proxy-header: must be x-forwarded-for or forwarded"));
    }

    @Test
    void load_routeOverrideHeadersAndCaseInsensitivity_offByDefault_andTwoPrefixesDifferingInCaseRefused() {
        GatewayConfig config = Fixtures.config(dir, """
                routes:
                  - { prefix: /legacy, target: "http://l:1", override-headers: true, case-insensitive: true }
                  - { prefix: /api, target: "http://a:1" }
                """);
        assertThat(config.routes().get(0).overrideHeaders()).isTrue();
        assertThat(config.routes().get(0).caseInsensitive()).isTrue();
        assertThat(config.routes().get(1).overrideHeaders()).isFalse();
        assertThat(config.routes().get(1).caseInsensitive()).isFalse();
        assertThatThrownBy(() -> Fixtures.config(dir, """
                routes:
                  - { prefix: /Admin, target: "http://a:1" }
                  - { prefix: /admin, target: "http://a:1", case-insensitive: true }
                """)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement()
                .satisfies(p -> assertThat(p).startsWith("routes.1.prefix: prefix '/admin' differs from another only "
                        + "in case")));
        assertThat(Fixtures.config(dir, """
                routes:
                  - { prefix: /Admin, target: "http://a:1" }
                  - { prefix: /admin, target: "http://a:1" }
                """).routes()).as("both case-sensitive: two routes").hasSize(2);
    }

    @Test
    void routeFeatureKeys_badValues_areNamed() {
        assertThatThrownBy(() -> Fixtures.config(dir, """
                cors: { origins: ["*"] }
                proxyauth: { admin-token: short, timezone: Nowhere/Land }
                routes:
                  - { prefix: /a, target: "http://a:1", backends: ["http://b:1"] }
                  - { prefix: /b, backends: [ { url: "http://b:1", standby: true } ] }
                  - { prefix: /c, target: "http://c:1", filters: { allow: [ { field: colour, pattern: x } ] } }
                  - { prefix: /d, target: "http://d:1", filters: { allow: [ { field: header, pattern: x } ] } }
                  - { prefix: /e, target: "http://e:1", proxy: { url: "socks5://p:1080" } }
                  - { prefix: /f, target: "https://f:1", tls: { client-cert: c.pem } }
                  - { prefix: /g, target: "https://g:1", tls: { ca-file: missing-ca.pem } }
                  - { prefix: /h, target: "http://h:1", secure-path: true, preserve-prefix: true }
                """)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                .anySatisfy(p -> assertThat(p).startsWith("cors.origins:"))
                .anySatisfy(p -> assertThat(p).startsWith("proxyauth.admin-token:"))
                .anySatisfy(p -> assertThat(p).startsWith("proxyauth.timezone:"))
                .anySatisfy(p -> assertThat(p).startsWith("routes.0.backends: set target or backends"))
                .anySatisfy(p -> assertThat(p).startsWith("routes.1.backends: every backend is a standby"))
                .anySatisfy(p -> assertThat(p).startsWith("routes.2.filters.allow.0.field:"))
                .anySatisfy(p -> assertThat(p).startsWith("routes.3.filters.allow.0.name: field header needs a name"))
                .anySatisfy(p -> assertThat(p).startsWith("routes.4.proxy.url:"))
                .anySatisfy(p -> assertThat(p).startsWith("routes.5.tls.client-key:"))
                .anySatisfy(p -> assertThat(p).startsWith("routes.6.tls.ca-file: cannot read"))
                .anySatisfy(p -> assertThat(p).startsWith("routes.7.secure-path:")));
    }
}
