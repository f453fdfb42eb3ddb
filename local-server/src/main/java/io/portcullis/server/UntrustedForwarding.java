package io.portcullis.server;

import io.portcullis.core.RequestHeaders;
import io.portcullis.core.net.TrustedProxies;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Says once, per server, that requests arrive with {@code X-Forwarded-For} (or {@code Forwarded}) from a peer that
 * {@code trusted-proxies} does not list. Behind such a proxy (nginx, a load balancer) every client has the proxy's
 * address: users' {@code allow} lists lock them out and one per-address login limit covers everyone, and ProxyAuth's
 * files have no key that says otherwise. Once said, a request costs one volatile read.
 */
final class UntrustedForwarding {
    private static final System.Logger LOG = System.getLogger(UntrustedForwarding.class.getName());

    private final AtomicBoolean said = new AtomicBoolean();

    /** Checks a request that came from {@code peer}, against the proxies the gateway serving it trusts. */
    void check(InetAddress peer, RequestHeaders headers, TrustedProxies proxies) {
        if (said.get()) {
            return;
        }
        Optional<String> header = headers.first("X-Forwarded-For").map(value -> "X-Forwarded-For")
                .or(() -> headers.first("Forwarded").map(value -> "Forwarded"));
        if (header.isEmpty() || proxies.trusts(peer) || !said.compareAndSet(false, true)) {
            return;
        }
        String address = peer.getHostAddress();
        String block = address + (peer instanceof Inet4Address ? "/32" : "/128");
        LOG.log(System.Logger.Level.WARNING, "requests arrive from " + address + " with " + header.get() + ", but "
                + "trusted-proxies does not list that peer, so the header is ignored and every client behind it "
                + "counts as " + address + " (users' allow lists, the per-address login limit, the access log). If "
                + "it is your proxy, add it to trusted-proxies (TRUSTED_dash_PROXIES=" + block + ", or in ProxyAuth's "
                + "config.json \"trusted_proxies\": [\"" + block + "\"]). Said once; other peers are not reported");
    }
}
