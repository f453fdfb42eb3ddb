package io.portcullis.core;

import static io.portcullis.core.SignInPagesTest.BROWSER_ACCEPT;
import static io.portcullis.core.SignInPagesTest.body;
import static io.portcullis.core.SignInPagesTest.cookieValue;
import static io.portcullis.core.SignInPagesTest.header;
import static io.portcullis.core.SignInPagesTest.setCookies;
import static io.portcullis.core.SignInPagesTest.wrong;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.totp.Base32;
import io.portcullis.core.totp.Totp;
import io.portcullis.core.totp.TotpAlgorithm;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The second-factor page: a signed-in browser enrols with a form and its CSRF token, sees the secret once (a QR code
 * and the text), confirms it with a code; cross-site posts, forged posts and visitors who are not signed in get
 * nowhere.
 */
class SecondFactorPageTest {
    private static final Pattern SECRET = Pattern.compile("<p class=\"secret\" id=\"secret\">([A-Z2-7 ]+)</p>");
    private static final Totp TOTP = new Totp(TotpAlgorithm.SHA1, 6);

    @TempDir
    Path dir;
    private GatewayFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new GatewayFixture(dir, SignInPagesTest.YAML);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void enrol_showsTheSecretOnce_asQrCodeAndText_andConfirmTurnsItOn() {
        Session alice = signIn("alice", "a");

        String before = body(page(alice, ""));
        assertThat(before).contains("Two-step verification is <strong>off</strong>")
                .contains("<input type=\"hidden\" name=\"csrf_token\" value=\"" + alice.csrf() + "\">")
                .contains("<button type=\"submit\" name=\"action\" value=\"enrol\">");

        GatewayResponse enrolled = post(alice, "csrf_token=" + encode(alice.csrf()) + "&action=enrol");
        assertThat(enrolled.status()).isEqualTo(200);
        assertThat(header(enrolled, "Cache-Control")).hasValue("no-store");
        assertThat(header(enrolled, "Content-Security-Policy")).hasValue(SignInPagesTest.POLICY);
        String html = body(enrolled);
        assertThat(html)
                .containsPattern("<img class=\"qr\" id=\"qr\" src=\"data:image/svg\\+xml;base64,[A-Za-z0-9+/=]+\"")
                .contains("value=\"confirm\"");
        Matcher secret = SECRET.matcher(html);
        assertThat(secret.find()).isTrue();
        String key = secret.group(1).replace(" ", "");
        assertThat(Base32.decode(key)).hasSize(20);
        assertThat(body(page(alice, ""))).as("shown once: the page never shows it again").doesNotContain(key)
                .doesNotContain(secret.group(1));

        GatewayResponse wrongCode = post(alice, "csrf_token=" + encode(alice.csrf()) + "&action=confirm&code="
                + wrong(code(key, 0)));
        assertThat(wrongCode.status()).isEqualTo(303);
        assertThat(header(wrongCode, "Location")).hasValue("/auth/totp?step=confirm&error=invalid_code");
        assertThat(body(page(alice, "step=confirm&error=invalid_code"))).contains("That code is not right")
                .contains("value=\"confirm\"").doesNotContain(key);

        GatewayResponse confirmed = post(alice, "csrf_token=" + encode(alice.csrf()) + "&action=confirm&code="
                + code(key, 0));
        assertThat(header(confirmed, "Location")).hasValue("/auth/totp?notice=enabled");
        assertThat(body(page(alice, "notice=enabled"))).contains("Two-step verification is on. Signing in now")
                .contains("Two-step verification is <strong>on</strong>").contains("name=\"code\"");

        GatewayResponse login = fixture.gateway.ownEndpoint(Fixtures.login("alice", "a")).orElseThrow().toResponse();
        assertThat(body(login)).as("logins need a code now").contains("\"totp_required\"");
    }

    @Test
    void replacing_needsACodeFromTheCurrentSecret() {
        Session carol = signIn("carol", "c");

        GatewayResponse without = post(carol, "csrf_token=" + encode(carol.csrf()) + "&action=enrol");
        assertThat(header(without, "Location")).hasValue("/auth/totp?error=code_required");
        GatewayResponse with = post(carol, "csrf_token=" + encode(carol.csrf()) + "&action=enrol&code="
                + code(SignInPagesTest.CAROL_SECRET, 1));
        assertThat(with.status()).isEqualTo(200);
        assertThat(body(with)).containsPattern(SECRET);
    }

    @Test
    void posts_crossSite_withoutTheCsrfToken_orWithoutASession_getNowhere() {
        Session alice = signIn("alice", "a");
        String form = "csrf_token=" + encode(alice.csrf()) + "&action=enrol";

        GatewayResponse crossSite = fixture.gateway.ownEndpoint(Fixtures.request("POST", "/auth/totp",
                MapHeaders.of("Cookie", alice.cookieHeader(), "Content-Type", "application/x-www-form-urlencoded",
                        "Sec-Fetch-Site", "cross-site"), form)).orElseThrow().toResponse();
        assertThat(crossSite.status()).isEqualTo(403);
        assertThat(body(crossSite)).contains("\"forbidden\"");

        GatewayResponse noToken = post(alice, "action=enrol");
        assertThat(noToken.status()).isEqualTo(403);
        Session bob = signIn("carol", "c");
        assertThat(post(alice, "csrf_token=" + encode(bob.csrf()) + "&action=enrol").status())
                .as("another session's token").isEqualTo(403);

        GatewayResponse anonymous = fixture.gateway.ownEndpoint(Fixtures.request("POST", "/auth/totp",
                MapHeaders.of("Content-Type", "application/x-www-form-urlencoded"), form)).orElseThrow().toResponse();
        assertThat(anonymous.status()).isEqualTo(303);
        assertThat(header(anonymous, "Location")).hasValue("/auth/login?redirect=%2Fauth%2Ftotp");
        assertThat(body(page(alice, ""))).as("nothing was enrolled").contains("<strong>off</strong>");
    }

    @Test
    void visitorsNotSignedIn_areSentToSignIn_andBackHere() {
        GatewayResponse response = fixture.gateway.ownEndpoint(Fixtures.get("/auth/totp", MapHeaders.of("Accept",
                BROWSER_ACCEPT))).orElseThrow().toResponse();

        assertThat(response.status()).isEqualTo(303);
        assertThat(header(response, "Location")).hasValue("/auth/login?redirect=%2Fauth%2Ftotp");
        assertThat(fixture.gateway.ownEndpoint(Fixtures.request("PUT", "/auth/totp", MapHeaders.empty(), ""))
                .orElseThrow().toResponse().status()).isEqualTo(405);
    }

    record Session(String token, String csrf) {
        String cookieHeader() {
            return "sid=" + token + "; sid-csrf=" + csrf;
        }
    }

    private Session signIn(String user, String password) {
        String code = user.equals("carol") ? "&totp_code=" + code(SignInPagesTest.CAROL_SECRET, 0) : "";
        GatewayResponse response = fixture.gateway.ownEndpoint(Fixtures.request("POST", "/auth", MapHeaders.of(
                "Content-Type", "application/x-www-form-urlencoded"), "username=" + user + "&password=" + password
                + code)).orElseThrow().toResponse();
        assertThat(response.status()).as(body(response)).isEqualTo(303);
        List<String> cookies = setCookies(response);
        return new Session(cookieValue(cookies.get(0)), cookieValue(cookies.get(1)));
    }

    private GatewayResponse page(Session session, String query) {
        return fixture.gateway.ownEndpoint(Fixtures.get("/auth/totp" + (query.isEmpty() ? "" : "?" + query),
                MapHeaders.of("Cookie", session.cookieHeader(), "Accept", BROWSER_ACCEPT))).orElseThrow()
                .toResponse();
    }

    private GatewayResponse post(Session session, String form) {
        return fixture.gateway.ownEndpoint(Fixtures.request("POST", "/auth/totp", MapHeaders.of("Cookie",
                session.cookieHeader(), "Content-Type", "application/x-www-form-urlencoded", "Accept", BROWSER_ACCEPT,
                "Sec-Fetch-Site", "same-origin"), form)).orElseThrow().toResponse();
    }

    private String code(String secret, int stepsAhead) {
        return TOTP.code(Base32.decode(secret), Totp.step(fixture.clock.instant()) + stepsAhead);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
