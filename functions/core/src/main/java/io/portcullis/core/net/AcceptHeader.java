package io.portcullis.core.net;

import java.util.List;
import java.util.Locale;

/**
 * What the {@code Accept} header (RFC 9110 §12.5.1) says about a client: a browser navigating to a page lists
 * {@code text/html} first ({@code text/html,application/xhtml+xml,…,*}{@code /*;q=0.8}); a program asks for JSON,
 * for {@code *}{@code /*}, or says nothing.
 */
public final class AcceptHeader {
    private static final List<String> HTML = List.of("text/html", "application/xhtml+xml");

    private AcceptHeader() {
    }

    /**
     * Whether the client prefers HTML: {@code text/html} (or XHTML) is named outright with a weight above zero, no
     * other type it names outright weighs more, and of those that weigh as much it comes first. Wildcards count for
     * neither side: {@code *}{@code /*} alone is a program that takes anything, not a browser. A malformed weight
     * reads as 1, as lenient parsers do.
     */
    public static boolean prefersHtml(List<String> acceptHeaders) {
        double html = 0;
        double other = 0;
        int htmlAt = Integer.MAX_VALUE;
        int otherAt = Integer.MAX_VALUE;
        int position = 0;
        for (String header : acceptHeaders) {
            for (String range : header.split(",")) {
                String[] parts = range.split(";");
                String type = parts[0].strip().toLowerCase(Locale.ROOT);
                if (type.isEmpty() || type.endsWith("/*")) {
                    continue;
                }
                double weight = weight(parts);
                position++;
                if (HTML.contains(type) && weight > html) {
                    html = weight;
                    htmlAt = position;
                } else if (!HTML.contains(type) && weight > other) {
                    other = weight;
                    otherAt = position;
                }
            }
        }
        return html > 0 && (html > other || html == other && htmlAt < otherAt);
    }

    private static double weight(String[] parameters) {
        for (int i = 1; i < parameters.length; i++) {
            String parameter = parameters[i].strip();
            if (parameter.length() > 2 && (parameter.charAt(0) == 'q' || parameter.charAt(0) == 'Q')
                    && parameter.charAt(1) == '=') {
                try {
                    double q = Double.parseDouble(parameter.substring(2));
                    return q >= 0 && q <= 1 ? q : 1;
                } catch (NumberFormatException e) {
                    return 1;
                }
            }
        }
        return 1;
    }
}
