package io.portcullis.core.page;

/**
 * Where the gateway serves its pages and their files. Only the sign-in page moves ({@code browser.login-page}); the
 * others are fixed, so a Lambda deployment can route them to the token function once and for all.
 */
public final class PagePaths {
    /** The sign-in page, unless {@code browser.login-page} says otherwise. */
    public static final String DEFAULT_LOGIN = "/auth/login";
    /** Where a browser lands after signing out, unless {@code browser.logout-redirect} says otherwise. */
    public static final String SIGNED_OUT = "/auth/signed-out";
    /** The second-factor page: {@code GET} shows it, {@code POST} (a form) enrols and confirms. */
    public static final String SECOND_FACTOR = "/auth/totp";
    /** The prefix of the pages' files. */
    public static final String ASSETS = "/auth/assets/";
    public static final String STYLESHEET = ASSETS + "pages.css";
    public static final String LOGO = ASSETS + "logo";

    private PagePaths() {
    }

    /** Whether {@code rawPath} is one of the fixed pages or files (the sign-in page aside). */
    public static boolean isFixed(String rawPath) {
        return rawPath.equals(SIGNED_OUT) || rawPath.equals(SECOND_FACTOR) || rawPath.equals(STYLESHEET)
                || rawPath.equals(LOGO);
    }
}
