package io.portcullis.server;

import io.helidon.common.tls.Tls;
import io.helidon.config.Config;
import io.portcullis.core.config.ConfigException;
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
    public static SSLContext context(Config tls) {
        if (!tls.exists()) {
            return null;
        }
        try {
            Tls built = Tls.create(tls);
            if (!built.enabled()) {
                return null;
            }
            return built.sslContext();
        } catch (RuntimeException e) {
            throw new ConfigException("server.tls: the listener's key and certificate cannot be used ("
                    + e.getMessage() + ")");
        }
    }
}
