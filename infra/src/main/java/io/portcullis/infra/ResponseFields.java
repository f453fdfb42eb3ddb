package io.portcullis.infra;

import io.portcullis.core.ForwardingPlan;
import io.portcullis.core.Header;
import io.portcullis.infra.http1.Framing;
import io.portcullis.infra.http1.HeaderFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The backend's answer fields that go on to the client: not hop-by-hop ones, not those its {@code Connection}
 * field names (RFC 9110 §7.6.1), not those the plan replaces; then the plan's own ({@code RateLimit-*}, CORS).
 * {@code Content-Length} goes on only where it still describes the body the client gets.
 */
public final class ResponseFields {
    /** RFC 9110 §7.6.1, and {@code Proxy-Connection}, which old software still sends. */
    private static final Set<String> HOP_BY_HOP = caseInsensitive(List.of("Connection", "Keep-Alive",
            "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding",
            "Upgrade"));

    private ResponseFields() {
    }

    /** The fields to pass on from an answer framed as {@code framing} (whose body the client gets re-framed). */
    public static List<Header> of(ForwardingPlan plan, HeaderFields fields, Framing framing) {
        Set<String> listed = connectionListed(fields);
        List<Header> headers = new ArrayList<>(fields.size() + plan.responseHeaders().size());
        for (int i = 0; i < fields.size(); i++) {
            String name = fields.name(i);
            if (HOP_BY_HOP.contains(name) || !listed.isEmpty() && listed.contains(name)
                    || plan.replacesResponseHeader(name)) {
                continue;
            }
            if (name.equalsIgnoreCase("Content-Length") && framing.kind() != Framing.Kind.LENGTH
                    && framing.kind() != Framing.Kind.NONE) {
                continue;
            }
            headers.add(new Header(name, fields.value(i)));
        }
        headers.addAll(plan.responseHeaders());
        return headers;
    }

    private static Set<String> connectionListed(HeaderFields fields) {
        List<String> values = fields.all("Connection");
        if (values.isEmpty()) {
            return Set.of();
        }
        List<String> names = new ArrayList<>();
        for (String value : values) {
            for (String token : value.split(",")) {
                String name = token.strip();
                if (!name.isEmpty()) {
                    names.add(name.toLowerCase(Locale.ROOT));
                }
            }
        }
        return caseInsensitive(names);
    }

    private static Set<String> caseInsensitive(List<String> names) {
        Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        set.addAll(names);
        return set;
    }
}
