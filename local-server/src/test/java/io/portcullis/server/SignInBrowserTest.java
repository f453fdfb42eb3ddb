package io.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import com.sun.net.httpserver.HttpServer;
import io.portcullis.core.totp.Base32;
import io.portcullis.core.totp.Totp;
import io.portcullis.core.totp.TotpAlgorithm;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The sign-in pages in a real browser: headless Chromium (Debian's {@code chromium} and {@code chromium-driver})
 * driven by Selenium against the running server and a backend behind a secure route. Signs in by keyboard alone,
 * with and without a second factor, sees the error of a wrong password, lands on the page it asked for, enrols a
 * second factor by reading the QR code off the screen, signs out and is sent back to the page; on a phone's width,
 * in dark mode, without one violation of the pages' Content-Security-Policy. Screenshots of every page go to
 * {@code target/browser-screenshots/}.
 *
 * <p>Skipped, saying why, only where Chromium or its driver is not installed; {@code .ci/run} installs both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SignInBrowserTest {
    private static final Path SCREENSHOTS = Path.of("target", "browser-screenshots");
    /** Provisioned for carol in the config; 160 bits. */
    private static final String CAROL_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    private static final Totp TOTP = new Totp(TotpAlgorithm.SHA1, 6);

    HttpServer backend;
    RunningGateway gateway;
    ChromeDriver browser;
    String base;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        Optional<Path> chromium = executable("chromium");
        Optional<Path> driver = executable("chromedriver");
        Assumptions.assumeTrue(chromium.isPresent() && driver.isPresent(), "the browser test needs Debian's "
                + "chromium and chromium-driver (apt-get install chromium chromium-driver; .ci/run installs them)");
        backend = htmlBackend();
        gateway = RunningGateway.start(dir, """
                users:
                  - { username: alice, password: wonderland }
                  - { username: bob, password: builder }
                  - { username: carol, password: caroline, totp-secret: %s }
                store: { type: memory }
                rate-limits: { auth: { requests-per-second: 1000, burst: 1000 } }
                browser: { login-redirect: /app/ }
                routes:
                  - { prefix: /app, target: "http://127.0.0.1:%d" }
                """.formatted(CAROL_SECRET, backend.getAddress().getPort()));
        // localhost, not 127.0.0.1: browsers keep Secure (__Host-) cookies from http://localhost, a secure context.
        base = "http://localhost:" + gateway.server.port();
        Files.createDirectories(SCREENSHOTS);
        browser = chrome(chromium.get(), driver.get(), dir.resolve("profile"));
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (backend != null) {
            backend.stop(0);
        }
    }

    @Test
    @Order(1)
    void signIn_byKeyboardAlone_afterAWrongPassword_landsOnTheOriginalPage() throws Exception {
        browser.get(base + "/app/inbox?tab=2");

        assertThat(browser.getCurrentUrl()).isEqualTo(base + "/auth/login?redirect=%2Fapp%2Finbox%3Ftab%3D2");
        assertThat(browser.getTitle()).isEqualTo("Sign in · Portcullis");
        assertThat(browser.findElement(By.cssSelector("label[for=username]")).getText()).isEqualTo("Username");
        assertThat(browser.findElement(By.cssSelector("label[for=password]")).getText()).isEqualTo("Password");
        screenshot("sign-in");

        // Focus starts in the username field; Tab goes to the password, then to the button.
        assertThat(focused().getAttribute("id")).isEqualTo("username");
        focused().sendKeys("bob");
        focused().sendKeys(Keys.TAB);
        assertThat(focused().getAttribute("id")).isEqualTo("password");
        focused().sendKeys(Keys.TAB);
        assertThat(focused().getTagName()).isEqualTo("button");
        focused().sendKeys(Keys.chord(Keys.SHIFT, Keys.TAB));
        focused().sendKeys("not-the-password", Keys.ENTER);
        waitFor(url -> url.contains("error=invalid_credentials"));

        WebElement error = browser.findElement(By.id("error"));
        assertThat(error.getText()).isEqualTo("The username or password is not right.");
        assertThat(error.getAttribute("role")).isEqualTo("alert");
        WebElement password = browser.findElement(By.id("password"));
        assertThat(password.getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(password.getAttribute("aria-describedby")).isEqualTo("error");
        screenshot("sign-in-error");

        focused().sendKeys("bob", Keys.TAB, "builder", Keys.ENTER);
        waitFor(url -> url.equals(base + "/app/inbox?tab=2"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Inbox of bob");
        assertThat(browser.findElement(By.id("asked")).getText()).isEqualTo("/inbox?tab=2");
        screenshot("backend");
        assertThat(cspViolations()).isEmpty();
    }

    @Test
    @Order(2)
    void signOut_showsTheSignedOutPage_andTheBackendSendsToSignInAgain() throws Exception {
        browser.get(base + "/app/");
        browser.findElement(By.id("sign-out")).click();
        waitFor(url -> url.equals(base + "/auth/signed-out"));

        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Signed out");
        screenshot("signed-out");
        browser.get(base + "/app/inbox");
        assertThat(browser.getCurrentUrl()).isEqualTo(base + "/auth/login?redirect=%2Fapp%2Finbox");
    }

    @Test
    @Order(3)
    void signIn_withASecondFactor_asksForTheCodeInASecondStep() throws Exception {
        browser.get(base + "/app/mail");
        signIn("carol", "caroline");
        waitFor(url -> url.contains("step=code"));

        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Two-step verification");
        assertThat(browser.findElements(By.id("password"))).as("the password is not in the page").isEmpty();
        assertThat(focused().getAttribute("id")).isEqualTo("totp_code");
        screenshot("sign-in-code");
        focused().sendKeys(code(CAROL_SECRET, 0), Keys.ENTER);
        waitFor(url -> url.equals(base + "/app/mail"));

        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Inbox of carol");
        signOut();
    }

    @Test
    @Order(4)
    void enrol_readsTheSecretFromTheQrCode_confirms_andTheNextSignInNeedsACode() throws Exception {
        browser.get(base + "/auth/totp");
        signIn("alice", "wonderland");
        waitFor(url -> url.equals(base + "/auth/totp"));
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("Two-step verification is off");

        browser.findElement(By.cssSelector("button[value=enrol]")).click();
        // The answer comes back at the same URL: wait for the QR code itself, decoded and laid out.
        waitUntil(() -> (Boolean) browser.executeScript("const qr = document.getElementById('qr'); "
                + "return document.readyState === 'complete' && qr !== null && qr.complete && qr.naturalWidth > 0"));
        WebElement qr = browser.findElement(By.id("qr"));
        screenshot("second-factor");
        String uri = decodeQr(qr.getScreenshotAs(OutputType.BYTES));
        assertThat(uri).startsWith("otpauth://totp/Portcullis:alice?");
        String secret = query(uri, "secret");
        assertThat(browser.findElement(By.id("secret")).getText().replace(" ", "")).isEqualTo(secret);

        browser.findElement(By.id("code")).sendKeys(code(secret, 0), Keys.ENTER);
        waitFor(url -> url.endsWith("/auth/totp?notice=enabled"));
        assertThat(browser.findElement(By.cssSelector("[role=status]")).getText())
                .startsWith("Two-step verification is on.");
        assertThat(browser.findElement(By.tagName("main")).getText()).doesNotContain(secret);
        signOut();

        browser.get(base + "/app/");
        signIn("alice", "wonderland");
        waitFor(url -> url.contains("step=code"));
        // The code that confirmed the secret is spent: the app's next one signs in.
        focused().sendKeys(code(secret, 1), Keys.ENTER);
        waitFor(url -> url.equals(base + "/app/"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Inbox of alice");
        assertThat(cspViolations()).isEmpty();
        signOut();
    }

    @Test
    @Order(5)
    void onAPhone_inDarkMode_thePageFitsTheScreen_andChangesColours() throws Exception {
        browser.manage().window().setSize(new Dimension(390, 844));
        browser.get(base + "/auth/login");
        String light = (String) browser.executeScript("return getComputedStyle(document.body).backgroundColor");
        String button = (String) browser.executeScript(
                "return getComputedStyle(document.querySelector('button')).backgroundColor");
        assertThat(button).as("the stylesheet loaded under the CSP: the accent colour").isEqualTo("rgb(36, 81, 183)");
        assertThat((Boolean) browser.executeScript(
                "return document.documentElement.scrollWidth <= window.innerWidth")).as("no sideways scrolling")
                .isTrue();
        screenshot("sign-in-phone");

        browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        browser.navigate().refresh();
        String dark = (String) browser.executeScript("return getComputedStyle(document.body).backgroundColor");
        assertThat(dark).isNotEqualTo(light).isEqualTo("rgb(14, 16, 19)");
        screenshot("sign-in-phone-dark");
        assertThat(cspViolations()).isEmpty();
    }

    private void signIn(String username, String password) throws InterruptedException {
        waitFor(url -> url.startsWith(base + "/auth/login"));
        browser.findElement(By.id("username")).sendKeys(username);
        browser.findElement(By.id("password")).sendKeys(password, Keys.ENTER);
    }

    private void signOut() throws InterruptedException {
        browser.get(base + "/logout");
        waitFor(url -> url.equals(base + "/auth/signed-out"));
    }

    private WebElement focused() {
        return browser.switchTo().activeElement();
    }

    /** Waits up to 10 s for the browser to arrive where {@code url} says, and the page to have loaded. */
    private void waitFor(java.util.function.Predicate<String> url) throws InterruptedException {
        waitUntil(() -> url.test(browser.getCurrentUrl()) && "complete".equals(browser.executeScript(
                "return document.readyState")));
    }

    /** Polls {@code condition} for up to 10 s (navigations and painting finish on their own time). */
    private void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (WebDriverException midNavigation) {
                // The page went away under the script; ask the next one.
            }
            Thread.sleep(50);
        }
        throw new AssertionError("waited 10 s in vain; the browser is at " + browser.getCurrentUrl());
    }

    private void screenshot(String name) throws IOException {
        Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    /** Console messages about the Content-Security-Policy since the last call. */
    private List<String> cspViolations() {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage)
                .filter(message -> message.contains("Content Security Policy")).toList();
    }

    private static String code(String secret, int stepsAhead) {
        return TOTP.code(Base32.decode(secret), Totp.step(Instant.now()) + stepsAhead);
    }

    /** What an authenticator app's camera would read off the screenshot. */
    private static String decodeQr(byte[] png) throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(
                image.getWidth(), image.getHeight(), pixels))), Map.of(DecodeHintType.TRY_HARDER, true)).getText();
    }

    private static String query(String uri, String name) {
        for (String pair : URI.create(uri).getRawQuery().split("&")) {
            if (pair.startsWith(name + "=")) {
                return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no " + name + " in " + uri);
    }

    private static Optional<Path> executable(String name) {
        return Stream.concat(Stream.of(System.getenv().getOrDefault("PATH", "").split(":")), Stream.of("/usr/bin"))
                .filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, name)).filter(Files::isExecutable).findFirst();
    }

    /** Headless, with a fresh profile, nothing fetched from the network (this machine has none). */
    private static ChromeDriver chrome(Path chromium, Path driver, Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1280,900");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** A backend page that says who it serves and what was asked for, with links a real app would have. */
    private static HttpServer htmlBackend() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String user = Optional.ofNullable(exchange.getRequestHeaders().getFirst("x-user")).orElse("nobody");
            String asked = exchange.getRequestURI().getRawPath() + Optional.ofNullable(
                    exchange.getRequestURI().getRawQuery()).map(q -> "?" + q).orElse("");
            byte[] page = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>App</title></head>"
                    + "<body><h1>Inbox of " + escape(user) + "</h1><p id=\"asked\">" + escape(asked) + "</p>"
                    + "<p><a id=\"second-factor\" href=\"/auth/totp\">Two-step verification</a> "
                    + "<a id=\"sign-out\" href=\"/logout\">Sign out</a></p></body></html>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
