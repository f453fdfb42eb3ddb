package io.portcullis.core.net;

import static io.portcullis.core.Fixtures.address;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.MapHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Addresses as proxies write them: with ports, bracketed, or bare IPv6. */
class ClientChainEdgesTest {
    private final TrustedProxies proxies = new TrustedProxies(List.of(Cidr.parse("10.0.0.0/8")));

    @Test
    void anIpv4AddressWithAPort_isTheAddress() {
        assertThat(proxies.clientAddress(address("10.0.0.2"), MapHeaders.of("X-Forwarded-For", "198.51.100.1:4711")))
                .isEqualTo(address("198.51.100.1"));
    }

    @Test
    void aBareIpv6Address_keepsItsColons_aBracketedOneLosesItsPort() {
        assertThat(proxies.clientAddress(address("10.0.0.2"), MapHeaders.of("X-Forwarded-For", "2001:db8::1")))
                .isEqualTo(address("2001:db8::1"));
        assertThat(proxies.clientAddress(address("10.0.0.2"), MapHeaders.of("X-Forwarded-For",
                "[2001:db8::2]:443"))).isEqualTo(address("2001:db8::2"));
    }
}
