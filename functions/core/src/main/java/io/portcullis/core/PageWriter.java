package io.portcullis.core;

import io.portcullis.core.config.GatewayConfig.Pages;
import io.portcullis.core.page.PageAsset;
import io.portcullis.core.page.PagePaths;
import io.portcullis.core.page.PageTemplates;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Renders the gateway's pages from their template, with the branding every page shows, and writes them and their
 * files with the headers they need. Pages: a strict Content-Security-Policy (nothing but this site's stylesheet
 * and images, no script at all, forms posting to this site only, never framed), {@code Cache-Control: no-store}
 * (a page may hold a CSRF token or a new TOTP secret), no MIME sniffing, and no referrer beyond this site. Files
 * are addressed by a hash of their content ({@code ?v=}), so browsers keep them until the configuration changes
 * them.
 */
final class PageWriter {
    static final String PAGE_POLICY = "default-src 'none'; style-src 'self'; img-src 'self' data:; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    /** An SVG logo opened on its own must not run anything either. */
    private static final String FILE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            + "frame-ancestors 'none'; sandbox";

    private final Pages settings;
    private final PageAsset stylesheet;
    private final String stylesheetUrl;
    private final Optional<String> logoUrl;

    PageWriter(Pages settings) {
        this.settings = settings;
        this.stylesheet = new PageAsset("text/css; charset=utf-8",
                PageTemplates.stylesheet(settings.accentColor()).getBytes(StandardCharsets.UTF_8));
        this.stylesheetUrl = PagePaths.STYLESHEET + "?v=" + version(stylesheet);
        this.logoUrl = settings.logo().map(logo -> PagePaths.LOGO + "?v=" + version(logo));
    }

    /** The path of the sign-in page. */
    String loginPage() {
        return settings.loginPage();
    }

    /** The configured title of the sign-in page. */
    String signInTitle() {
        return settings.title();
    }

    /**
     * The page {@code fields} describe, with the branding added: {@code product}, {@code logo_url},
     * {@code stylesheet_url}, and {@code title} made of the {@code heading} and the product.
     */
    GatewayResponse page(int status, Map<String, Object> fields) {
        Map<String, Object> all = new HashMap<>(fields);
        all.put("product", settings.product());
        all.put("logo_url", logoUrl.orElse(""));
        all.put("stylesheet_url", stylesheetUrl);
        all.put("title", fields.get("heading") + " · " + settings.product());
        byte[] body = settings.template().render(all).getBytes(StandardCharsets.UTF_8);
        return new GatewayResponse(status, List.of(
                new Header("Content-Type", "text/html; charset=utf-8"),
                new Header("Cache-Control", "no-store"),
                new Header("Content-Security-Policy", PAGE_POLICY),
                new Header("X-Content-Type-Options", "nosniff"),
                new Header("X-Frame-Options", "DENY"),
                new Header("Referrer-Policy", "same-origin")), body);
    }

    /** The file at {@code rawPath} ({@link PagePaths#STYLESHEET}, {@link PagePaths#LOGO}), if there is one. */
    Optional<GatewayResponse> file(String rawPath) {
        Optional<PageAsset> asset = rawPath.equals(PagePaths.STYLESHEET) ? Optional.of(stylesheet)
                : rawPath.equals(PagePaths.LOGO) ? settings.logo() : Optional.empty();
        return asset.map(file -> new GatewayResponse(200, List.of(
                new Header("Content-Type", file.mediaType()),
                new Header("Cache-Control", "public, max-age=31536000, immutable"),
                new Header("Content-Security-Policy", FILE_POLICY),
                new Header("X-Content-Type-Options", "nosniff")), file.content()));
    }

    /** 303 to a page of this site, never cached. */
    static GatewayResponse seeOther(String location, List<Header> more) {
        List<Header> headers = new ArrayList<>(more);
        headers.add(new Header("Location", location));
        headers.add(new Header("Cache-Control", "no-store"));
        return new GatewayResponse(303, headers, new byte[0]);
    }

    private static String version(PageAsset asset) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(asset.content());
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
