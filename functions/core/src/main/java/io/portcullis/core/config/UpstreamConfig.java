package io.portcullis.core.config;

import io.portcullis.core.route.UpstreamProxy;
import io.portcullis.core.route.UpstreamTls;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads a route's {@code proxy} and {@code tls}: how the gateway reaches its backends. */
final class UpstreamConfig {
    private UpstreamConfig() {
    }

    /**
     * {@code proxy: { url: http://host:port, username, password }}; credentials may also be written into the URL
     * ({@code http://user:pass@host:port}, ProxyAuth's {@code proxy_config}).
     */
    static Optional<UpstreamProxy> proxy(ConfigNode node, ConfigReader reader) {
        if (!node.exists()) {
            return Optional.empty();
        }
        reader.onlyKnownKeys(node, Set.of("url", "username", "password"));
        Optional<URI> url = reader.requiredString(node.get("url")).flatMap(text -> {
            try {
                URI uri = new URI(text.strip());
                if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1
                        || uri.getRawQuery() != null || !(uri.getRawPath() == null || uri.getRawPath().isEmpty()
                        || uri.getRawPath().equals("/"))) {
                    throw new IllegalArgumentException("bad");
                }
                return Optional.of(uri);
            } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                reader.problem(node.get("url"), "must be an HTTP proxy URL with host and port, e.g. "
                        + "http://127.0.0.1:8888");
                return Optional.empty();
            }
        });
        Optional<String> username = reader.string(node.get("username"));
        Optional<String> password = reader.string(node.get("password"));
        if (url.isEmpty()) {
            return Optional.empty();
        }
        String userInfo = url.get().getRawUserInfo();
        if (userInfo != null) {
            if (username.isPresent() || password.isPresent()) {
                reader.problem(node.get("url"), "give the credentials in the URL or as username/password, not both");
                return Optional.empty();
            }
            int colon = userInfo.indexOf(':');
            username = Optional.of(URLDecoder.decode(colon < 0 ? userInfo : userInfo.substring(0, colon),
                    StandardCharsets.UTF_8));
            password = Optional.of(colon < 0 ? "" : URLDecoder.decode(userInfo.substring(colon + 1),
                    StandardCharsets.UTF_8));
        }
        if (username.isPresent() != password.isPresent()) {
            reader.problem(node, "give both username and password, or neither");
            return Optional.empty();
        }
        return Optional.of(new UpstreamProxy(url.get().getHost(), url.get().getPort(), username, password));
    }

    /**
     * {@code tls: { ca-file, client-cert, client-key, client-keystore, client-keystore-password }}: CAs trusted
     * besides the system's, and a client certificate as a PEM chain with its key, or as PKCS#12.
     */
    static Optional<UpstreamTls> tls(ConfigNode node, Path base, ConfigReader reader) {
        if (!node.exists()) {
            return Optional.empty();
        }
        reader.onlyKnownKeys(node, Set.of("ca-file", "client-cert", "client-key", "client-keystore",
                "client-keystore-password"));
        int before = reader.problems().size();
        List<String> description = new ArrayList<>();
        List<X509Certificate> cas = reader.string(node.get("ca-file")).map(base::resolve)
                .flatMap(file -> read(node.get("ca-file"), reader, () -> TlsMaterial.certificates(file)))
                .orElse(List.of());
        if (!cas.isEmpty()) {
            description.add(cas.size() + " extra CA(s)");
        }
        Optional<String> cert = reader.string(node.get("client-cert"));
        Optional<String> key = reader.string(node.get("client-key"));
        Optional<String> keystore = reader.string(node.get("client-keystore"));
        Optional<String> password = reader.string(node.get("client-keystore-password"));
        Optional<KeyStore> identity = Optional.empty();
        char[] identityPassword = TlsMaterial.inMemoryPassword();
        if (keystore.isPresent() && (cert.isPresent() || key.isPresent())) {
            reader.problem(node.get("client-keystore"), "give client-cert and client-key, or client-keystore, not both");
        } else if (keystore.isPresent()) {
            String secret = password.orElse("");
            identity = read(node.get("client-keystore"), reader,
                    () -> TlsMaterial.pkcs12(base.resolve(keystore.get()), secret));
            identityPassword = secret.toCharArray();
            description.add("client certificate from PKCS#12");
        } else if (cert.isPresent() != key.isPresent()) {
            reader.problem(node.get(cert.isPresent() ? "client-key" : "client-cert"),
                    "a client certificate needs both client-cert (PEM chain) and client-key (PEM key)");
        } else if (cert.isPresent()) {
            Optional<List<X509Certificate>> chain = read(node.get("client-cert"), reader,
                    () -> TlsMaterial.certificates(base.resolve(cert.get())));
            Optional<java.security.PrivateKey> privateKey = read(node.get("client-key"), reader,
                    () -> TlsMaterial.privateKey(base.resolve(key.get())));
            if (chain.isPresent() && privateKey.isPresent()) {
                identity = read(node.get("client-key"), reader, () -> TlsMaterial.keyStore(chain.get(), privateKey.get()));
                description.add("client certificate " + chain.get().get(0).getSubjectX500Principal().getName());
            }
        }
        if (password.isPresent() && keystore.isEmpty()) {
            reader.problem(node.get("client-keystore-password"), "only applies with client-keystore");
        }
        if (reader.problems().size() > before) {
            return Optional.empty();
        }
        Optional<KeyStore> finalIdentity = identity;
        char[] finalPassword = identityPassword;
        return read(node, reader, () -> new UpstreamTls(TlsMaterial.context(cas, finalIdentity, finalPassword),
                description.isEmpty() ? "system trust" : String.join(", ", description)));
    }

    private static <T> Optional<T> read(ConfigNode node, ConfigReader reader, java.util.function.Supplier<T> reading) {
        try {
            return Optional.of(reading.get());
        } catch (IllegalArgumentException e) {
            reader.problem(node, e.getMessage());
            return Optional.empty();
        }
    }
}
