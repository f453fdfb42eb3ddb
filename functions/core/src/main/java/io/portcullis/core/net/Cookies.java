package io.portcullis.core.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code Cookie} request header (RFC 6265 §4.2): {@code name=value} pairs separated by {@code ;}. Lenient on
 * spacing, as browsers are; a pair without {@code =} is skipped. Several {@code Cookie} header lines (HTTP/2)
 * are read as one.
 */
public final class Cookies {
    /** One cookie as sent. */
    public record Cookie(String name, String value) {
        @Override
        public String toString() {
            return "Cookie[" + name + "]";
        }
    }

    /** What removing a cookie leaves: whether anything was removed, and the remaining header, if any. */
    public record Without(boolean removed, Optional<String> remaining) {
    }

    private Cookies() {
    }

    public static List<Cookie> parse(List<String> cookieHeaders) {
        List<Cookie> cookies = new ArrayList<>();
        for (String header : cookieHeaders) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    String name = pair.substring(0, eq).strip();
                    if (!name.isEmpty()) {
                        cookies.add(new Cookie(name, pair.substring(eq + 1).strip()));
                    }
                }
            }
        }
        return cookies;
    }

    /** Every cookie named {@code name} (names are case-sensitive). */
    public static List<String> values(List<String> cookieHeaders, String name) {
        return parse(cookieHeaders).stream().filter(c -> c.name().equals(name)).map(Cookie::value).toList();
    }

    /** The header without the cookies of these names, for the upstream request; others keep their order. */
    public static Without without(List<String> cookieHeaders, java.util.Set<String> names) {
        List<Cookie> cookies = parse(cookieHeaders);
        List<String> kept = cookies.stream().filter(c -> !names.contains(c.name()))
                .map(c -> c.name() + "=" + c.value()).toList();
        if (kept.size() == cookies.size()) {
            return new Without(false, Optional.empty());
        }
        return new Without(true, kept.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", kept)));
    }
}
