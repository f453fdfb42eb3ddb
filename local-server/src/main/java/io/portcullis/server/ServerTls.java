package io.portcullis.server;

import io.helidon.common.tls.Tls;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.portcullis.core.config.ConfigException;
import io.portcullis.core.config.ConfigNode;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * The listener's TLS from {@code server.tls}, in Helidon's TLS configuration format (PEM key and certificate chain,
 * or a keystore), which ProxyAuth's {@code "tls": true} also maps onto.
 */
public final class ServerTls {
    private ServerTls() {
    }

    /**
     * @return the context, or {@code null} when {@code tls} is not configured (plain HTTP)
     * @throws ConfigException naming {@code server.tls} when the keys cannot be read (a start and
     *     {@code config check} alike)
     */
    public static SSLContext context(ConfigNode tls) {
        if (!tls.exists()) {
            return null;
        }
        try {
            Tls built = Tls.create(helidonConfig(tls));
            if (!built.enabled()) {
                return null;
            }
            return built.sslContext();
        } catch (RuntimeException e) {
            throw new ConfigException("server.tls: the listener's key and certificate cannot be used ("
                    + e.getMessage() + ")");
        }
    }

    /** The section as Helidon's config, which Helidon's TLS reads: its values under their keys below it. */
    private static Config helidonConfig(ConfigNode tls) {
        Map<String, String> values = new LinkedHashMap<>();
        tls.traverse().filter(ConfigNode::isLeaf).forEach(leaf ->
                values.put(leaf.key().substring(tls.key().length() + 1), leaf.asString().orElseThrow()));
        return Config.just(ConfigSources.create(values));
    }
}
