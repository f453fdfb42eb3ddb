package io.portcullis.core.page;

import io.portcullis.core.page.PageTemplate.Fields;
import io.portcullis.core.page.PageTemplate.TemplateException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The one template behind the gateway's pages (sign-in in two steps, signed out, second factor), the fields it is
 * filled with, and its stylesheet. The built-in template ships as a resource; an operator's own
 * ({@code browser.page.template}) is held to the same fields, and must name the ones without which a page or a step
 * cannot work.
 */
public final class PageTemplates {
    /** Every field a page template may name; the README lists what each holds. */
    public static final Fields FIELDS = new Fields(
            Set.of("title", "heading", "product", "logo_url", "stylesheet_url", "error", "notice", "action_url",
                    "redirect", "restart_url", "sign_in_url", "page_url", "csrf_token", "home_url", "sign_out_url",
                    "secret", "qr_image"),
            Set.of("sign_in", "signed_out", "second_factor", "step_password", "step_code", "error_credentials",
                    "error_code", "show_setup", "show_replace", "show_secret", "show_confirm"));

    /**
     * What a template must name: the three pages, both sign-in steps, the {@code redirect} a sign-in form sends back
     * (or the visitor would not land where they were going) and the {@code csrf_token} a second-factor form sends.
     */
    public static final List<String> REQUIRED = List.of("sign_in", "step_password", "step_code", "redirect",
            "signed_out", "second_factor", "csrf_token");

    /** Largest template file read. */
    public static final int MAX_TEMPLATE_BYTES = 256 * 1024;

    private static final Fields STYLE_FIELDS = new Fields(Set.of("accent", "on_accent"), Set.of());

    private PageTemplates() {
    }

    /** The built-in template, parsed once. */
    public static PageTemplate builtIn() {
        return BuiltIn.PAGES;
    }

    /** Holds the resources, read at first use; a broken one fails the class's own tests, never a deployment. */
    private static final class BuiltIn {
        static final PageTemplate PAGES = checked(PageTemplate.parse("pages.html", resource("pages.html"), FIELDS));
        static final PageTemplate STYLE = PageTemplate.parse("pages.css", resource("pages.css"), STYLE_FIELDS);

        private static String resource(String name) {
            try (InputStream in = PageTemplates.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + name + " is missing from the core jar");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * An operator's template from {@code file}; errors call it {@code name} (the path as configured).
     *
     * @throws TemplateException if it cannot be read, is not UTF-8, is larger than {@value #MAX_TEMPLATE_BYTES}
     *     bytes, names a field the pages do not offer, is malformed, or leaves out a {@link #REQUIRED} field
     */
    public static PageTemplate read(Path file, String name) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_TEMPLATE_BYTES) {
                throw new TemplateException(name, 0, "larger than " + MAX_TEMPLATE_BYTES + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TemplateException(name, 0, "cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        String source;
        try {
            source = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new TemplateException(name, 0, "is not UTF-8");
        }
        return checked(PageTemplate.parse(name, source, FIELDS));
    }

    private static PageTemplate checked(PageTemplate template) {
        for (String field : REQUIRED) {
            if (!template.named().contains(field)) {
                throw new TemplateException(template.name(), 0, "never names {{" + field + "}}, which the pages "
                        + "need (see the README's list of fields)");
            }
        }
        return template;
    }

    /**
     * The stylesheet for {@code accent} ({@code #rrggbb}): buttons in the accent colour, their text black or white,
     * whichever contrasts more with it (WCAG relative luminance).
     */
    public static String stylesheet(String accent) {
        return BuiltIn.STYLE.render(Map.of("accent", accent, "on_accent", onAccent(accent)));
    }

    /** Black or white, whichever has the higher contrast ratio against {@code accent} ({@code #rrggbb}). */
    static String onAccent(String accent) {
        int rgb = Integer.parseInt(accent.substring(1), 16);
        double luminance = 0.2126 * linear(rgb >> 16) + 0.7152 * linear(rgb >> 8) + 0.0722 * linear(rgb);
        double withWhite = 1.05 / (luminance + 0.05);
        double withBlack = (luminance + 0.05) / 0.05;
        return withWhite >= withBlack ? "#ffffff" : "#000000";
    }

    private static double linear(int channel) {
        double c = (channel & 0xff) / 255.0;
        return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }

    /** {@code #rgb} or {@code #rrggbb} as {@code #rrggbb}, lower case. */
    public static String normalizeColor(String color) {
        String hex = color.strip().toLowerCase(Locale.ROOT);
        if (!hex.matches("#([0-9a-f]{3}|[0-9a-f]{6})")) {
            throw new IllegalArgumentException("must be a colour written #rgb or #rrggbb");
        }
        return hex.length() == 4 ? "#" + hex.charAt(1) + hex.charAt(1) + hex.charAt(2) + hex.charAt(2)
                + hex.charAt(3) + hex.charAt(3) : hex;
    }
}
