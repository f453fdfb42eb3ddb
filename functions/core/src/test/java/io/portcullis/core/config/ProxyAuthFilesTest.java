package io.portcullis.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.core.Fixtures;
import io.portcullis.core.User;
import io.portcullis.core.password.Passwords;
import io.portcullis.core.route.Backend;
import io.portcullis.core.route.Route;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ProxyAuth's config.json and routes.yml, written from its documented keys, read unchanged. */
class ProxyAuthFilesTest {
    /** Every config.json key ProxyAuth 0.8.10 documents, with the values its samples use (secret strengthened). */
    static final String CONFIG_JSON = """
            {
              "token_expiry_seconds": 432000,
              "secret": "%s",
              "users": [
                { "username": "admin", "password": "admin123", "roles": ["admin"], "allow": ["127.0.0.0/8"] },
                { "username": "alice", "password": "wonderland", "otpkey": "JBSWY3DPEHPK3PXP", "roles": [], "allow": [] }
              ],
              "log": { "type": "local" },
              "token_admin": "%s",
              "host": "127.0.0.1",
              "port": 0,
              "worker": 4,
              "num_instances": 2,
              "ratelimit_auth": { "requests_per_second": 0, "burst": 1, "block_delay": 500 },
              "ratelimit_proxy": { "requests_per_second": 5, "burst": 10, "block_delay": 0 },
              "stats": true,
              "max_idle_per_host": 50,
              "timezone": "Europe/Paris",
              "login_via_otp": false,
              "max_connections": 50000,
              "pending_connections_limit": 65535,
              "socket_listen": 1024,
              "client_timeout": 5000,
              "keep_alive": 5000,
              "cors_origins": ["https://app.example"],
              "session_cookie": false,
              "max_age_session_cookie": 3600,
              "login_redirect_url": "/",
              "logout_redirect_url": "/bye",
              "tls": false,
              "csrf_token": true,
              "fast": false
            }
            """;
    static final String ROUTES_YML = """
            routes:
              - prefix: "/app"
                target: "http://127.0.0.1:8500/base"
                secure: true
                username: ["admin", "alice"]
                allow_methods: ["GET", "POST"]
                cache: false
                need_csrf: true
                filters:
                  default_allow: false
                  allow:
                    - { field: "header", key: "X-Tenant", pattern: "^[a-z]+$" }
              - prefix: "/lb"
                target: "http://ignored:1/api"
                secure: true
                username: ["admin"]
                backends:
                  - "http://127.0.0.1:8501"
                  - { url: "http://127.0.0.1:8502", weight: 3 }
                  - { url: "127.0.0.1:8503", weight: -1 }
              - prefix: "/public"
                target: "127.0.0.1:8600"
                preserve_prefix: true
              - { prefix: "/fixed", target: "http://127.0.0.1:8700/x", secure: false, secure_path: true,
                  proxy: true, proxy_config: "http://user:p%40ss@127.0.0.1:8888", allow_methods: ["*"] }
            """;
    static final String ADMIN_TOKEN = "c6a9b466" + "0".repeat(56);

    @TempDir
    Path dir;

    @Test
    void documentedFiles_loadIntoTheSameConfigAsYaml() {
        ProxyAuthFiles.Loaded loaded = load(CONFIG_JSON.formatted(Fixtures.SECRET, ADMIN_TOKEN), ROUTES_YML);
        GatewayConfig config = loaded.config();

        assertThat(config.tokens().ttl().toSeconds()).isEqualTo(432000);
        assertThat(config.users()).extracting(GatewayConfig.UserEntry::username).containsExactly("admin", "alice");
        assertThat(config.users().get(0).allow()).hasSize(1);
        assertThat(config.rateLimits().auth().unlimited()).isTrue();
        assertThat(config.rateLimits().proxy().requestsPerSecond()).isEqualTo(5);
        assertThat(config.rateLimits().proxy().burst()).isEqualTo(10);
        assertThat(config.upstream().readTimeout().toMillis()).isEqualTo(5000);
        assertThat(config.proxyAuth()).hasValueSatisfying(compat -> {
            assertThat(compat.adminToken()).contains(ADMIN_TOKEN);
            assertThat(compat.stats()).isTrue();
            assertThat(compat.timezone()).isEqualTo(ZoneId.of("Europe/Paris"));
            assertThat(compat.logoutRedirect()).contains("/bye");
        });
        assertThat(loaded.root().get("server.backlog").asString()).contains("1024");

        Route app = route(config, "/app");
        assertThat(app.users()).containsExactlyInAnyOrder("admin", "alice");
        assertThat(app.methods()).containsExactlyInAnyOrder("GET", "POST");
        assertThat(app.noStore()).isTrue();
        assertThat(app.filters().rules()).singleElement().satisfies(rule -> assertThat(rule.name()).contains("X-Tenant"));
        assertThat(app.upstreamUri("/app/a/b", "")).isEqualTo("http://127.0.0.1:8500/base/a/b");

        Route lb = route(config, "/lb");
        assertThat(lb.upstream().backends().all()).containsExactly(
                new Backend(java.net.URI.create("http://127.0.0.1:8501/api"), 1, false),
                new Backend(java.net.URI.create("http://127.0.0.1:8502/api"), 3, false),
                new Backend(java.net.URI.create("http://127.0.0.1:8503/api"), 1, true));

        Route open = route(config, "/public");
        assertThat(open.secure()).isTrue();
        assertThat(open.upstreamUri("/public/x", "")).isEqualTo("http://127.0.0.1:8600/public/x");
        Route fixed = route(config, "/fixed");
        assertThat(fixed.secure()).isFalse();
        assertThat(fixed.methods()).isEmpty();
        assertThat(fixed.upstreamUri("/fixed/y", "a=1")).isEqualTo("http://127.0.0.1:8700/x?a=1");
        assertThat(fixed.upstream().proxy()).hasValueSatisfying(proxy -> {
            assertThat(proxy.port()).isEqualTo(8888);
            assertThat(proxy.username()).contains("user");
            assertThat(proxy.password()).contains("p@ss");
        });

        assertThat(loaded.warnings()).anySatisfy(w -> assertThat(w)
                .startsWith("routes.yml: routes.2 (prefix /public): secure is not set"));
        assertThat(loaded.warnings()).anySatisfy(w -> assertThat(w).startsWith("config.json: worker: has no effect"));
        assertThat(loaded.warnings()).noneSatisfy(w -> assertThat(w).contains("token_admin"));
    }

    @Test
    void eachWeakSpotOrUnsupportedKey_stopsStartupNamingIt() {
        String config = CONFIG_JSON.formatted("supersecretvalue", ADMIN_TOKEN)
                .replace("\"fast\": false", "\"fast\": false, \"redis\": \"redis://proxyauth_redis:6379\", \"colour\": 1")
                .replace("\"session_cookie\": false", "\"session_cookie\": true")
                .replace("\"login_via_otp\": false", "\"login_via_otp\": true")
                .replace("{ \"type\": \"local\" }", "{ \"type\": \"loki\", \"host\": \"ftp://loki:3100\" }")
                .replace("\"timezone\": \"Europe/Paris\"", "\"timezone\": \"Mars/Olympus\"")
                .replace("\"burst\": 10", "\"burst\": 0");
        String routes = """
                routes:
                  - { prefix: /a, target: "http://127.0.0.1:1", secure: true, username: [admin],
                      filters: { allow: [ { field: path, pattern: "([a-z" } ] } }
                  - { prefix: /b, target: "http://127.0.0.1:1", secure: true, username: [admin],
                      cert: { file: missing.pem, key: missing-key.pem } }
                  - { prefix: /c, target: "http://127.0.0.1:1", secure: true, username: [admin], proxy: true,
                      proxy_config: "not a proxy" }
                  - { prefix: /d, target: "http://127.0.0.1:1", secure: true }
                  - { prefix: /e, target: "http://127.0.0.1:1", secure: true, username: [admin], sticky: true }
                  - { prefix: /f, target: "http://127.0.0.1:1", secure: true, username: [admin],
                      cert: { file: missing.p12, password: "1234" } }
                """;

        assertThatThrownBy(() -> load(config, routes)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).anySatisfy(p -> assertThat(p)
                        .startsWith("config.json: secret: ")).anySatisfy(p -> assertThat(p)
                        .startsWith("config.json: redis: ")).anySatisfy(p -> assertThat(p)
                        .startsWith("config.json: colour: unknown key")).anySatisfy(p -> assertThat(p)
                        .startsWith("config.json: users.1.otpkey: is 80 bits")).anySatisfy(p -> assertThat(p)
                        .startsWith("config.json: log.host: must be an http or https URL")).anySatisfy(p -> assertThat(p)
                        .startsWith("config.json: timezone: ")).anySatisfy(p -> assertThat(p)
                        .startsWith("config.json: ratelimit_proxy.burst: ")).anySatisfy(p -> assertThat(p)
                        .startsWith("routes.yml: routes.0.filters.allow.0.pattern: is not a valid regular expression"))
                        .anySatisfy(p -> assertThat(p).startsWith("routes.yml: routes.1.cert.file: cannot read"))
                        .anySatisfy(p -> assertThat(p).startsWith("routes.yml: routes.2.proxy_config: "))
                        .anySatisfy(p -> assertThat(p).startsWith("routes.yml: routes.3.username: is empty"))
                        .anySatisfy(p -> assertThat(p).startsWith("routes.yml: routes.4.sticky: unknown key"))
                        .anySatisfy(p -> assertThat(p).startsWith("routes.yml: routes.5.cert.file: cannot read")));
    }

    @Test
    void logTypes_becomeTheLogSection_lokiWithItsHost() {
        String loki = CONFIG_JSON.formatted(Fixtures.SECRET, ADMIN_TOKEN).replace("{ \"type\": \"local\" }",
                "{ \"type\": \"loki\", \"host\": \"http://127.0.0.1:3100\" }");
        LogSettings log = load(loki, ROUTES_YML).config().log();
        assertThat(log.type()).isEqualTo(LogSettings.Type.LOKI);
        assertThat(log.lokiUrl()).hasValueSatisfying(url -> assertThat(url)
                .hasToString("http://127.0.0.1:3100/loki/api/v1/push"));

        String disabled = CONFIG_JSON.formatted(Fixtures.SECRET, ADMIN_TOKEN).replace("{ \"type\": \"local\" }",
                "{ \"type\": \"disabled\" }");
        assertThat(load(disabled, ROUTES_YML).config().log().type()).isEqualTo(LogSettings.Type.DISABLED);

        String http = CONFIG_JSON.formatted(Fixtures.SECRET, ADMIN_TOKEN).replace("{ \"type\": \"local\" }",
                "{ \"type\": \"http\", \"write_max_logs\": 1000 }");
        ProxyAuthFiles.Loaded loaded = load(http, ROUTES_YML);
        assertThat(loaded.config().log().type()).isEqualTo(LogSettings.Type.LOCAL);
        assertThat(loaded.warnings()).anySatisfy(w -> assertThat(w).startsWith("config.json: log.type: http"))
                .anySatisfy(w -> assertThat(w).startsWith("config.json: log.write_max_logs: has no effect"));

        String noHost = CONFIG_JSON.formatted(Fixtures.SECRET, ADMIN_TOKEN).replace("{ \"type\": \"local\" }",
                "{ \"type\": \"loki\" }");
        assertThatThrownBy(() -> load(noHost, ROUTES_YML)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).anySatisfy(p -> assertThat(p)
                        .startsWith("config.json: log.host: is required")));
    }

    @Test
    void sessionCookieAndOtp_becomeBrowserSessionsAndTotp_inProxyAuthsNamesAndAlgorithm() {
        String config = CONFIG_JSON.formatted(Fixtures.SECRET, ADMIN_TOKEN)
                .replace("\"session_cookie\": false", "\"session_cookie\": true")
                .replace("\"login_via_otp\": false", "\"login_via_otp\": true")
                .replace("\"JBSWY3DPEHPK3PXP\"", "\"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\"");

        GatewayConfig loaded = load(config, ROUTES_YML.replace("need_csrf: true", "need_csrf: false")).config();

        GatewayConfig.Browser browser = loaded.browser().orElseThrow();
        assertThat(browser.cookie()).isEqualTo("session_token");
        assertThat(browser.maxAge()).isEqualTo(java.time.Duration.ofSeconds(3600));
        assertThat(browser.loginRedirect()).isEqualTo("/");
        assertThat(browser.logoutRedirect()).contains("/bye");
        assertThat(browser.loginErrorRedirect()).contains("/bye");
        assertThat(browser.csrf()).isTrue();
        assertThat(loaded.totp().required()).isTrue();
        assertThat(loaded.totp().algorithm()).isEqualTo(io.portcullis.core.totp.TotpAlgorithm.SHA512);
        assertThat(loaded.users().get(1).totpSecret()).contains("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assertThat(loaded.users().get(0).totpSecret()).isEmpty();
        assertThat(loaded.routes().stream().filter(r -> r.prefix().equals("/app")).findFirst().orElseThrow().csrf())
                .as("need_csrf: false").isFalse();
        assertThat(loaded.routes().stream().filter(r -> r.prefix().equals("/lb")).findFirst().orElseThrow().csrf())
                .as("need_csrf's default").isTrue();
    }

    @Test
    void otpkey_withoutLoginViaOtp_isIgnoredWithAWarning() {
        ProxyAuthFiles.Loaded loaded = load(CONFIG_JSON.formatted(Fixtures.SECRET, ADMIN_TOKEN), ROUTES_YML);

        assertThat(loaded.config().users()).allSatisfy(user -> assertThat(user.totpSecret()).isEmpty());
        assertThat(loaded.config().browser()).isEmpty();
        assertThat(loaded.warnings()).anySatisfy(w -> assertThat(w)
                .startsWith("config.json: users.1.otpkey: has no effect while login_via_otp is false"));
    }

    @Test
    void listenerTls_isProxyAuthsDefault_andNeedsItsCertificates() {
        String config = CONFIG_JSON.formatted(Fixtures.SECRET, ADMIN_TOKEN).replace("\"tls\": false,", "");
        assertThatThrownBy(() -> load(config, ROUTES_YML)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("config.json: tls: is true (ProxyAuth's default) but");
    }

    @Test
    void noRateLimitKeys_meanNoLimit_withAWarningForLogins() {
        String config = CONFIG_JSON.formatted(Fixtures.SECRET, ADMIN_TOKEN)
                .replace("\"ratelimit_auth\": { \"requests_per_second\": 0, \"burst\": 1, \"block_delay\": 500 },", "")
                .replace("\"ratelimit_proxy\": { \"requests_per_second\": 5, \"burst\": 10, \"block_delay\": 0 },", "");
        ProxyAuthFiles.Loaded loaded = load(config, ROUTES_YML);
        assertThat(loaded.config().rateLimits().auth().unlimited()).isTrue();
        assertThat(loaded.config().rateLimits().proxy().unlimited()).isTrue();
        assertThat(loaded.warnings()).anySatisfy(w -> assertThat(w)
                .startsWith("config.json: ratelimit_auth (not set): logins are not rate-limited"));
    }

    @Test
    void emptyTokenAdmin_isGenerated_andPasswordsHashed_keepingEveryKeyOfTheFile() throws Exception {
        Path json = Fixtures.write(dir, "config.json", CONFIG_JSON.formatted(Fixtures.SECRET, ""));
        Path yml = Fixtures.write(dir, "routes.yml", ROUTES_YML);
        JsonNode before = new ObjectMapper().readTree(Files.readString(json));

        ProxyAuthFiles.Loaded loaded = ProxyAuthFiles.load(json, yml, Map.of());
        List<User> users = loaded.rewrite().apply(new Passwords(loaded.config().passwords().argon2()),
                username -> java.util.Optional.empty()).users();

        JsonNode after = new ObjectMapper().readTree(Files.readString(json));
        assertThat(iterable(after.fieldNames())).containsExactlyElementsOf(iterable(before.fieldNames()));
        String generated = after.get("token_admin").asText();
        assertThat(generated).matches("[0-9a-f]{64}");
        assertThat(loaded.config().proxyAuth().orElseThrow().adminToken()).contains(generated);
        assertThat(after.get("users").get(0).get("password").asText()).startsWith("$argon2id$");
        assertThat(after.get("users").get(0).get("roles")).isEqualTo(before.get("users").get(0).get("roles"));
        assertThat(after.get("users").get(1).get("otpkey")).isEqualTo(before.get("users").get(1).get("otpkey"));
        assertThat(users.get(0).passwordHash()).isEqualTo(after.get("users").get(0).get("password").asText());
        for (String key : List.of("stats", "timezone", "redis", "session_cookie", "logout_redirect_url", "tls",
                "csrf_token", "max_idle_per_host", "login_redirect_url", "max_age_session_cookie")) {
            assertThat(after.get(key)).as(key).isEqualTo(before.get(key));
        }
        assertThat(ProxyAuthFiles.load(json, yml, Map.of()).warnings()).noneSatisfy(w -> assertThat(w).contains("token_admin"));
    }

    /** Issue 17 item 2: ProxyAuth's files follow the rule every boolean key follows (ConfigReader.parseBoolean). */
    @Test
    void aValueThatIsNotABoolean_whereOneIsExpected_isAProblemNamingTheKey() {
        String config = CONFIG_JSON.formatted(Fixtures.SECRET, ADMIN_TOKEN)
                .replace("\"stats\": true", "\"stats\": \"yes\"")
                .replace("\"login_via_otp\": false", "\"login_via_otp\": \"maybe\"")
                .replace("\"session_cookie\": false", "\"session_cookie\": 1")
                .replace("\"tls\": false", "\"tls\": \"flase\"")
                .replace("\"csrf_token\": true", "\"csrf_token\": \"on\"")
                .replace("\"fast\": false", "\"fast\": null");
        String routes = """
                routes:
                  - { prefix: /a, target: "http://127.0.0.1:1", secure: flase, username: [admin] }
                  - { prefix: /b, target: "http://127.0.0.1:1", secure: true, username: [admin], proxy: maybe,
                      proxy_config: "http://127.0.0.1:3128" }
                  - { prefix: /c, target: "http://127.0.0.1:1", secure: true, username: [admin], need_csrf: 0,
                      cache: nope, secure_path: "", preserve_prefix: [true], filters: { default_allow: sometimes } }
                  - { prefix: /d, target: "http://127.0.0.1:1", secure: FALSE, proxy: "false", cache: True }
                """;

        assertThatThrownBy(() -> load(config, routes)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactlyInAnyOrder(
                        "config.json: stats: must be true or false",
                        "config.json: login_via_otp: must be true or false",
                        "config.json: session_cookie: must be true or false",
                        "config.json: tls: must be true or false",
                        "config.json: csrf_token: must be true or false",
                        "routes.yml: routes.0.secure: must be true or false",
                        "routes.yml: routes.1.proxy: must be true or false",
                        "routes.yml: routes.2.need_csrf: must be true or false",
                        "routes.yml: routes.2.cache: must be true or false",
                        "routes.yml: routes.2.secure_path: must be true or false",
                        "routes.yml: routes.2.preserve_prefix: must be true or false",
                        "routes.yml: routes.2.filters.default_allow: must be true or false"));
    }

    /** Issue 17 item 3: ProxyAuth's samples turn the login limit off with requests_per_second: 0. */
    @Test
    void loginLimitOff_isAWarning_namingProxyAuthsKey() {
        ProxyAuthFiles.Loaded off = load(CONFIG_JSON.formatted(Fixtures.SECRET, ADMIN_TOKEN), ROUTES_YML);
        ProxyAuthFiles.Loaded on = load(CONFIG_JSON.formatted(Fixtures.SECRET, ADMIN_TOKEN)
                .replace("\"requests_per_second\": 0", "\"requests_per_second\": 2"), ROUTES_YML);

        assertThat(off.warnings()).contains("config.json: ratelimit_auth.requests_per_second: logins are not "
                + "rate-limited (0 requests a second), so passwords can be guessed as fast as Argon2 allows; set a "
                + "rate (1 a second with a burst of 10 suits most sites)");
        assertThat(on.warnings()).noneSatisfy(w -> assertThat(w).contains("ratelimit_auth"));
    }

    /** Issue 17 item 4: ProxyAuth has no key for the proxies in front of it; Portcullis adds its own. */
    @Test
    void trustedProxies_isPortcullisOwnKeyInConfigJson() {
        String config = CONFIG_JSON.formatted(Fixtures.SECRET, ADMIN_TOKEN)
                .replace("\"fast\": false", "\"fast\": false, \"trusted_proxies\": [\"10.0.0.5/32\", \"::1\"]");
        var proxies = load(config, ROUTES_YML).config().trustedProxies();
        assertThat(proxies.trusts(Fixtures.address("10.0.0.5"))).isTrue();
        assertThat(proxies.trusts(Fixtures.address("::1"))).isTrue();
        assertThat(proxies.trusts(Fixtures.address("10.0.0.6"))).isFalse();

        String bad = config.replace("\"::1\"", "\"nginx\"");
        assertThatThrownBy(() -> load(bad, ROUTES_YML)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).singleElement().asString()
                        .startsWith("config.json: trusted_proxies: "));
    }

    /**
     * Issue 17 item 7: ProxyAuth's samples have 16-byte secrets. Still refused, with the fix that leaves config.json
     * alone: a secret in the environment. ProxyAuth's tokens do not carry over whatever the secret.
     */
    @Test
    void shortSecret_isRefused_sayingWhichVariableReplacesIt_andTheFixWorks() throws Exception {
        Path json = Fixtures.write(dir, "config.json", CONFIG_JSON.formatted("supersecretvalue", ADMIN_TOKEN));
        Path yml = Fixtures.write(dir, "routes.yml", ROUTES_YML);

        assertThatThrownBy(() -> ProxyAuthFiles.load(json, yml, Map.of())).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).singleElement().asString()
                        .startsWith("config.json: secret: the secret is 16 bytes; at least 32 random bytes are "
                                + "required")
                        .contains("config.json can stay as it is", "TOKENS_KEYS_0_SECRET=",
                                "openssl rand -base64 32", "Tokens ProxyAuth issued cannot be carried over")
                        .doesNotContain("supersecretvalue"));

        ProxyAuthFiles.Loaded fixed = ProxyAuthFiles.load(json, yml, Map.of("TOKENS_KEYS_0_SECRET", Fixtures.SECRET));
        assertThat(fixed.config().tokens().keyRing()).isNotNull();
        assertThat(Files.readString(json)).contains("supersecretvalue");

        assertThatThrownBy(() -> ProxyAuthFiles.load(json, yml, Map.of("TOKENS_KEYS_0_SECRET", "too-short")))
                .satisfies(e -> assertThat(((ConfigException) e).problems()).singleElement().asString()
                        .startsWith("TOKENS_KEYS_0_SECRET (environment): the secret is 9 bytes")
                        .doesNotContain("config.json can stay"));
    }

    @Test
    void unparsableFiles_sayWhere_withoutQuotingThem() {
        assertThatThrownBy(() -> load("{\"secret\": \"hunter2hunter2\",,}", ROUTES_YML))
                .hasMessageContaining("config.json: is not valid JSON (line 1").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> load(CONFIG_JSON.formatted(Fixtures.SECRET, ADMIN_TOKEN),
                "routes:\n  - { prefix: /a, proxy_config: \"http://u:hunter2@p:1\" \n  bad: [\n"))
                .hasMessageContaining("routes.yml: is not valid YAML (line").hasMessageNotContaining("hunter2");
    }

    private ProxyAuthFiles.Loaded load(String configJson, String routesYml) {
        return ProxyAuthFiles.load(Fixtures.write(dir, "config.json", configJson),
                Fixtures.write(dir, "routes.yml", routesYml), Map.of());
    }

    private static Route route(GatewayConfig config, String prefix) {
        return config.routes().stream().filter(r -> r.prefix().equals(prefix)).findFirst().orElseThrow();
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
