package io.portcullis.core.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parses IP address literals, and only literals: never a DNS lookup, whatever the input. Java 21 has no
 * literal-only parser ({@code InetAddress.ofLiteral} arrived in 22), so the text is vetted first; text that is
 * only digits and dots, or only hex digits, colons and dots with at least one colon, is taken as a literal by
 * {@link InetAddress#getByName} without resolving.
 */
public final class IpLiteral {
    private static final Pattern V4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private IpLiteral() {
    }

    /** The address written in {@code text} (IPv4 dotted quad or IPv6, optionally in brackets), if it is one. */
    public static Optional<InetAddress> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String literal = text.length() > 2 && text.startsWith("[") && text.endsWith("]")
                ? text.substring(1, text.length() - 1)
                : text;
        boolean v4 = V4.matcher(literal).matches();
        boolean v6 = !v4 && literal.indexOf(':') >= 0 && V6.matcher(literal).matches();
        if (!v4 && !v6) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(literal));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
