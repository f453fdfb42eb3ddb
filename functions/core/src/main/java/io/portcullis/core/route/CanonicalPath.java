package io.portcullis.core.route;

import java.util.ArrayList;
import java.util.List;

/**
 * The one canonical form of a request path, used both to match routes and to build the upstream path, so the two
 * can never disagree.
 *
 * <ul>
 *   <li>Percent-encoded unreserved characters ({@code A-Z a-z 0-9 - . _ ~}) are decoded and other escapes upper-cased
 *       (RFC 3986 §6.2.2), so {@code /%61dmin} is {@code /admin} and {@code %2e%2e} is {@code ..}.</li>
 *   <li>Dot segments are removed (RFC 3986 §5.2.4): {@code /public/../admin} is {@code /admin}; {@code ..} never
 *       climbs above the root.</li>
 *   <li>Repeated slashes collapse to one, as nginx's {@code merge_slashes} does; a trailing slash is kept.</li>
 *   <li>Rejected: an encoded slash or backslash ({@code %2F}, {@code %5C}), a literal backslash, a literal
 *       {@code ;} (path parameters: Java servlet containers drop {@code ;…} from each segment, so
 *       {@code /admin;x/y} reaches them as {@code /admin/y}), encoded or raw control characters, malformed escapes,
 *       and anything not starting with {@code /}. Backends disagree on what these mean, which is how path-based
 *       access rules get bypassed.</li>
 * </ul>
 */
public final class CanonicalPath {
    /** Longest path accepted. */
    public static final int MAX_LENGTH = 8192;

    private CanonicalPath() {
    }

    /**
     * @throws BadPathException with a client-safe message when the path is refused
     */
    public static String of(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            throw new BadPathException("the request path must start with '/'");
        }
        if (rawPath.length() > MAX_LENGTH) {
            throw new BadPathException("the request path is too long");
        }
        return removeDotSegments(normalizeEscapes(rawPath));
    }

    private static String normalizeEscapes(String raw) {
        StringBuilder out = null;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw new BadPathException("the request path has a malformed percent-escape");
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new BadPathException("the request path has a malformed percent-escape");
                }
                int decoded = hi * 16 + lo;
                if (decoded == '/' || decoded == '\\') {
                    throw new BadPathException("the request path has an encoded slash or backslash");
                }
                if (decoded < 0x20 || decoded == 0x7f) {
                    throw new BadPathException("the request path has an encoded control character");
                }
                if (out == null) {
                    out = new StringBuilder(raw.length()).append(raw, 0, i);
                }
                if (isUnreserved(decoded)) {
                    out.append((char) decoded);
                } else {
                    out.append('%').append(Character.toUpperCase(raw.charAt(i + 1)))
                            .append(Character.toUpperCase(raw.charAt(i + 2)));
                }
                i += 2;
                continue;
            }
            if (c == '\\') {
                throw new BadPathException("the request path has a backslash");
            }
            if (c == ';') {
                throw new BadPathException("the request path has a ';' (path parameters); encode it as %3B");
            }
            if (c < 0x21 || c >= 0x7f) {
                throw new BadPathException("the request path has a character that must be percent-encoded");
            }
            if (out != null) {
                out.append(c);
            }
        }
        return out == null ? raw : out.toString();
    }

    private static boolean isUnreserved(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static String removeDotSegments(String path) {
        if (path.indexOf("/.") < 0 && path.indexOf("//") < 0) {
            return path;
        }
        String[] parts = path.substring(1).split("/", -1);
        List<String> kept = new ArrayList<>(parts.length);
        boolean trailingSlash = false;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            boolean last = i == parts.length - 1;
            switch (part) {
                case "", "." -> trailingSlash = last;
                case ".." -> {
                    if (!kept.isEmpty()) {
                        kept.removeLast();
                    }
                    trailingSlash = last;
                }
                default -> {
                    kept.add(part);
                    trailingSlash = false;
                }
            }
        }
        StringBuilder out = new StringBuilder(path.length());
        for (String part : kept) {
            out.append('/').append(part);
        }
        if (trailingSlash || out.isEmpty()) {
            out.append('/');
        }
        return out.toString();
    }
}
