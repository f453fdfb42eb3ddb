package io.portcullis.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.core.Gateway;
import io.portcullis.core.totp.Base32;
import io.portcullis.core.totp.Totp;
import io.portcullis.core.totp.TotpAlgorithm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sign-in pages on Lambda: the token function serves the pages and their files through the same core (a page
 * as text, a binary logo as base64, cookies in the answer's {@code cookies}), both steps of a sign-in with a
 * second factor carry their ticket through API Gateway's {@code cookies}, and the forwarder sends a browser to the
 * page with the same 302 as the server.
 */
class TokenFunctionPagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml,*/*;q=0.8";
    private static final String CAROL_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    /** The smallest PNG: one transparent pixel. */
    private static final byte[] PNG = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    @TempDir
    static Path dir;
    static LambdaFunctions functions;

    @BeforeAll
    static void deploy() throws Exception {
        Files.write(dir.resolve("logo.png"), PNG);
        functions = new LambdaFunctions("""
                users:
                  - { username: alice, password: "%s" }
                  - { username: carol, password: "%s", totp-secret: %s }
                store: { type: memory }
                rate-limits: { auth: { requests-per-second: 1000, burst: 1000 } }
                browser: { page: { logo: "%s" } }
                routes:
                  - { prefix: /app, target: "http://127.0.0.1:9" }
                """.formatted(Hashes.of("wonderland"), Hashes.of("caroline"), CAROL_SECRET,
                dir.resolve("logo.png").toString().replace("\\", "/")));
    }

    @Test
    void thePagesAndTheirFiles_areTheTokenFunctions_withTheirHeaders() throws Exception {
        for (String key : Gateway.PAGE_ROUTE_KEYS) {
            String path = key.substring(key.indexOf(' ') + 1).replace("{file}", "pages.css");
            assertThat(Gateway.isOwnPath(path)).as(key + " goes to the token function").isTrue();
        }
        APIGatewayV2HTTPResponse page = functions.invoke(Events.httpApi("GET", "/auth/login?redirect=%2Fapp",
                Map.of("accept", BROWSER_ACCEPT), new byte[0]));

        assertThat(page.getStatusCode()).isEqualTo(200);
        assertThat(page.getIsBase64Encoded()).isFalse();
        assertThat(page.getHeaders()).containsEntry("Content-Type", "text/html; charset=utf-8")
                .containsEntry("Cache-Control", "no-store").containsEntry("X-Content-Type-Options", "nosniff")
                .containsEntry("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' "
                        + "data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
        assertThat(page.getBody()).contains("<form method=\"post\" action=\"/auth\">")
                .contains("name=\"redirect\" value=\"/app\"").contains("src=\"/auth/assets/logo?v=");

        APIGatewayV2HTTPResponse css = functions.invoke(Events.httpApi("GET", "/auth/assets/pages.css", Map.of(),
                new byte[0]));
        assertThat(css.getStatusCode()).isEqualTo(200);
        assertThat(css.getIsBase64Encoded()).isFalse();
        assertThat(css.getBody()).contains("--accent: #2451b7;");

        APIGatewayV2HTTPResponse logo = functions.invoke(Events.httpApi("GET", "/auth/assets/logo", Map.of(),
                new byte[0]));
        assertThat(logo.getStatusCode()).isEqualTo(200);
        assertThat(logo.getHeaders()).containsEntry("Content-Type", "image/png");
        assertThat(logo.getIsBase64Encoded()).isTrue();
        assertThat(LambdaFunctions.body(logo)).isEqualTo(PNG);

        APIGatewayV2HTTPResponse signedOut = functions.invoke(Events.httpApi("GET", "/auth/signed-out", Map.of(),
                new byte[0]));
        assertThat(signedOut.getBody()).contains("Signed out");
    }

    @Test
    void twoStepSignIn_carriesTheTicketInApiGatewaysCookies() throws Exception {
        APIGatewayV2HTTPResponse first = functions.invoke(form("/auth", "username=carol&password=caroline"
                + "&redirect=%2Fapp%2Fx", List.of()));
        assertThat(first.getStatusCode()).isEqualTo(303);
        assertThat(first.getHeaders()).containsEntry("Location", "/auth/login?step=code&redirect=%2Fapp%2Fx");
        assertThat(first.getCookies()).singleElement().satisfies(c -> assertThat(c)
                .startsWith("__Host-portcullis-login=").contains("; HttpOnly; Secure; SameSite=Strict"));
        String ticket = first.getCookies().getFirst().substring(0, first.getCookies().getFirst().indexOf(';'));

        APIGatewayV2HTTPResponse codePage = functions.invoke(Events.httpApiWithCookies("GET",
                "/auth/login?step=code&redirect=%2Fapp%2Fx", Map.of("accept", BROWSER_ACCEPT), List.of(ticket)));
        assertThat(codePage.getBody()).contains("name=\"totp_code\"");

        String code = new Totp(TotpAlgorithm.SHA1, 6).code(Base32.decode(CAROL_SECRET), Totp.step(Instant.now()));
        APIGatewayV2HTTPResponse done = functions.invoke(form("/auth", "totp_code=" + code + "&redirect=%2Fapp%2Fx",
                List.of(ticket)));
        assertThat(done.getStatusCode()).isEqualTo(303);
        assertThat(done.getHeaders()).containsEntry("Location", "/app/x");
        assertThat(done.getCookies()).hasSize(3).anySatisfy(c -> assertThat(c).startsWith("__Host-portcullis=A"))
                .anySatisfy(c -> assertThat(c).startsWith("__Host-portcullis-login=; Path=/; Max-Age=0"));
    }

    @Test
    void secondFactorPage_enrolsFromAFormPost() throws Exception {
        APIGatewayV2HTTPResponse login = functions.invoke(form("/auth", "username=alice&password=wonderland",
                List.of()));
        List<String> session = new ArrayList<>();
        String csrf = null;
        for (String cookie : login.getCookies()) {
            session.add(cookie.substring(0, cookie.indexOf(';')));
            if (cookie.startsWith("__Host-portcullis-csrf=")) {
                csrf = cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
            }
        }

        APIGatewayV2HTTPResponse page = functions.invoke(Events.httpApiWithCookies("GET", "/auth/totp",
                Map.of("accept", BROWSER_ACCEPT), session));
        assertThat(page.getBody()).contains("name=\"csrf_token\" value=\"" + csrf + "\"");
        APIGatewayV2HTTPResponse enrolled = functions.invoke(form("/auth/totp", "action=enrol&csrf_token="
                + java.net.URLEncoder.encode(csrf, StandardCharsets.UTF_8), session));

        assertThat(enrolled.getStatusCode()).as(enrolled.getBody()).isEqualTo(200);
        assertThat(enrolled.getHeaders()).containsEntry("Cache-Control", "no-store");
        assertThat(enrolled.getBody()).contains("id=\"secret\"").contains("src=\"data:image/svg+xml;base64,");
    }

    @Test
    void theForwarder_sendsABrowserToThePage_andAProgramGets401() throws Exception {
        APIGatewayV2HTTPResponse browser = functions.forward(Events.httpApi("GET",
                "/app/inbox?tab=2", Map.of("accept", BROWSER_ACCEPT), new byte[0]));
        assertThat(browser.getStatusCode()).isEqualTo(302);
        assertThat(browser.getHeaders()).containsEntry("Location", "/auth/login?redirect=%2Fapp%2Finbox%3Ftab%3D2");

        APIGatewayV2HTTPResponse program = functions.forward(Events.httpApi("GET", "/app/inbox",
                Map.of("accept", "application/json"), new byte[0]));
        assertThat(program.getStatusCode()).isEqualTo(401);
        assertThat(JSON.readTree(program.getBody()).get("error").asText()).isEqualTo("missing_token");
    }

    /** A form post as the page sends it, with API Gateway's {@code cookies}. */
    private static APIGatewayV2HTTPEvent form(String path, String body, List<String> cookies) throws Exception {
        APIGatewayV2HTTPEvent event = Events.httpApi("POST", path, Map.of("content-type",
                "application/x-www-form-urlencoded", "accept", BROWSER_ACCEPT, "sec-fetch-site", "same-origin"),
                body.getBytes(StandardCharsets.UTF_8));
        ObjectNode json = (ObjectNode) JSON.readTree(Events.write(APIGatewayV2HTTPEvent.class, event));
        Optional.of(cookies).filter(list -> !list.isEmpty()).ifPresent(list -> list.forEach(
                json.putArray("cookies")::add));
        return Events.read(APIGatewayV2HTTPEvent.class, json);
    }
}
