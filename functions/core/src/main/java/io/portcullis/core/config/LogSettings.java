package io.portcullis.core.config;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Where the server's access and audit logs go (the {@code log} section). Diagnostics (warnings, errors) always go to
 * the process's own logging; these are the JSON lines an operator ships and queries.
 *
 * @param type {@code local}: one JSON object per line on stdout; {@code loki}: pushed to Loki in batches;
 *     {@code disabled}: not written
 * @param access whether every request gets an access line (the audit log is written regardless)
 * @param lokiUrl Loki's push endpoint ({@code /loki/api/v1/push} when the configured URL had no path)
 * @param lokiLabels labels added to every stream besides {@code app} and {@code log}
 * @param lokiTenant sent as {@code X-Scope-OrgID} for a multi-tenant Loki
 */
public record LogSettings(Type type, boolean access, Optional<URI> lokiUrl, Map<String, String> lokiLabels,
        Optional<String> lokiTenant) {
    public enum Type { LOCAL, LOKI, DISABLED }

    public LogSettings {
        lokiLabels = Map.copyOf(lokiLabels);
    }

    /** What an absent {@code log} section means: access and audit lines on stdout. */
    public static LogSettings local() {
        return new LogSettings(Type.LOCAL, true, Optional.empty(), Map.of(), Optional.empty());
    }
}
