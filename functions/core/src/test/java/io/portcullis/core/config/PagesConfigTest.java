package io.portcullis.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.core.Fixtures;
import io.portcullis.core.page.PageTemplates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code browser} section's pages: branding, a template of one's own, and every mistake named at startup. */
class PagesConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaults_theBuiltInPageAtAuthLogin() {
        GatewayConfig.Pages pages = Fixtures.config(dir, "browser: { }\n").browser().orElseThrow().pages();

        assertThat(pages.loginPage()).isEqualTo("/auth/login");
        assertThat(pages.title()).isEqualTo("Sign in");
        assertThat(pages.product()).isEqualTo("Portcullis");
        assertThat(pages.accentColor()).isEqualTo("#2451b7");
        assertThat(pages.logo()).isEmpty();
        assertThat(pages.template()).isSameAs(PageTemplates.builtIn());
    }

    @Test
    void branding_andATemplateOfOnesOwn_areReadRelativeToTheConfigFile() throws Exception {
        Files.createDirectories(dir.resolve("brand"));
        Files.write(dir.resolve("brand/logo.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes());
        Fixtures.write(dir.resolve("brand"), "pages.html", minimalTemplate());

        GatewayConfig.Pages pages = Fixtures.config(dir, """
                browser:
                  login-page: /sign-in
                  page: { title: Welcome back, product: Acme Tools, logo: brand/logo.svg, accent-color: "#C60",
                          template: brand/pages.html }
                """).browser().orElseThrow().pages();

        assertThat(pages.loginPage()).isEqualTo("/sign-in");
        assertThat(pages.title()).isEqualTo("Welcome back");
        assertThat(pages.product()).isEqualTo("Acme Tools");
        assertThat(pages.accentColor()).isEqualTo("#cc6600");
        assertThat(pages.logo().orElseThrow().mediaType()).isEqualTo("image/svg+xml");
        assertThat(pages.template().render(Map.of("sign_in", true, "step_password", true, "redirect", "/x")))
                .isEqualTo("in:/x\n");
    }

    @Test
    void aBadTemplate_stopsStartup_namingTheKeyTheFileAndTheLine() {
        Fixtures.write(dir, "mine.html", minimalTemplate().replace("{{redirect}}", "{{redirect}}\n\n{{usrname}}"));

        assertThatThrownBy(() -> Fixtures.config(dir, "browser: { page: { template: mine.html } }\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement()
                        .satisfies(problem -> assertThat(problem).startsWith(
                                "browser.page.template: mine.html line 3: unknown field {{usrname}}")));
    }

    @Test
    void everyPageProblem_isNamed() {
        Fixtures.write(dir, "notes.txt", "not an image");

        assertThatThrownBy(() -> Fixtures.config(dir, """
                browser:
                  login-page: /auth
                  page: { title: "", accent-color: "blue", logo: notes.txt, template: missing.html, font: serif }
                routes:
                  - { prefix: /open, target: "http://127.0.0.1:9000", secure: false, login-redirect: false }
                """)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                .anySatisfy(p -> assertThat(p).startsWith("browser.login-page: is one of the gateway's own"))
                .anySatisfy(p -> assertThat(p).startsWith("browser.page.title: must be 1 to 100 characters"))
                .anySatisfy(p -> assertThat(p).startsWith("browser.page.accent-color: must be a colour"))
                .anySatisfy(p -> assertThat(p).startsWith("browser.page.logo: must be an image file named *.avif"))
                .anySatisfy(p -> assertThat(p).startsWith("browser.page.template: missing.html: cannot be read"))
                .anySatisfy(p -> assertThat(p).startsWith("browser.page.font: unknown key"))
                .anySatisfy(p -> assertThat(p).startsWith("routes.0.login-redirect: a route open to anyone"))
                .hasSize(7));
    }

    @Test
    void loginPage_mustBeAPlainCanonicalPathOfItsOwn() {
        for (String bad : new String[] {"/auth/totp", "/auth/assets/x", "/logout", "/admin/users", "/a/../b",
                "/x?y=1", "//evil.example", "/observe/health"}) {
            assertThatThrownBy(() -> Fixtures.config(dir, "browser: { login-page: \"" + bad + "\" }\n")).as(bad)
                    .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement()
                            .satisfies(p -> assertThat(p).startsWith("browser.login-page:")));
        }
        assertThat(Fixtures.config(dir, "browser: { login-page: /auth/login }\n").browser().orElseThrow().pages()
                .loginPage()).isEqualTo("/auth/login");
    }

    private static String minimalTemplate() {
        return "{{#sign_in}}{{#step_password}}in:{{redirect}}{{/step_password}}{{#step_code}}{{/step_code}}"
                + "{{/sign_in}}{{#signed_out}}{{/signed_out}}{{#second_factor}}{{csrf_token}}{{/second_factor}}\n";
    }
}
