package io.portcullis.core.net;

/**
 * Whether a redirect target stays on this site: an absolute path ({@code /…}) and nothing a browser could read as
 * another origin. {@code //evil.example} and {@code /\evil.example} are scheme-relative URLs to browsers, and
 * control characters (a tab or newline inside {@code //}) are dropped by them before parsing.
 */
public final class LocalPath {
    private LocalPath() {
    }

    public static boolean isLocal(String target) {
        if (target == null || target.isEmpty() || target.charAt(0) != '/' || target.length() > 2048) {
            return false;
        }
        if (target.length() > 1 && (target.charAt(1) == '/' || target.charAt(1) == '\\')) {
            return false;
        }
        return target.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '\\');
    }
}
