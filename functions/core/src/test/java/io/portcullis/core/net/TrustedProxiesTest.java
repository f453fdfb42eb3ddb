package io.portcullis.core.net;

import static io.portcullis.core.Fixtures.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.core.MapHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
    private final TrustedProxies proxies = new TrustedProxies(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("::1")));

    @Test
    void clientAddress_untrustedPeer_ignoresForwardingHeaders() {
        MapHeaders spoofed = MapHeaders.of("X-Forwarded-For", "1.2.3.4", "Forwarded", "for=5.6.7.8");

        assertThat(proxies.clientAddress(address("203.0.113.9"), spoofed)).isEqualTo(address("203.0.113.9"));
    }

    @Test
    void clientAddress_trustedPeer_takesFirstUntrustedFromTheRight() {
        MapHeaders headers = MapHeaders.of("X-Forwarded-For", "6.6.6.6, 198.51.100.1, 10.1.1.1");

        assertThat(proxies.clientAddress(address("10.0.0.2"), headers)).isEqualTo(address("198.51.100.1"));
    }

    @Test
    void clientAddress_severalHeaderLines_areOneList() {
        MapHeaders headers = MapHeaders.of("X-Forwarded-For", "198.51.100.1", "X-Forwarded-For", "10.1.1.1");

        assertThat(proxies.clientAddress(address("10.0.0.2"), headers)).isEqualTo(address("198.51.100.1"));
    }

    @Test
    void clientAddress_forwardedHeader_isPreferredAndParsed() {
        MapHeaders headers = MapHeaders.of("Forwarded", "for=\"[2001:db8::7]:4711\";proto=https, for=10.2.2.2",
                "X-Forwarded-For", "6.6.6.6");

        assertThat(proxies.clientAddress(address("::1"), headers)).isEqualTo(address("2001:db8::7"));
    }

    @Test
    void clientAddress_garbageHop_stopsAtTheLastTrustedAddress() {
        MapHeaders headers = MapHeaders.of("X-Forwarded-For", "1.2.3.4, not-an-ip, 10.1.1.1");

        assertThat(proxies.clientAddress(address("10.0.0.2"), headers)).isEqualTo(address("10.1.1.1"));
    }

    @Test
    void clientAddress_hostnamesAreNeverResolved() {
        MapHeaders headers = MapHeaders.of("X-Forwarded-For", "localhost");

        assertThat(proxies.clientAddress(address("10.0.0.2"), headers)).isEqualTo(address("10.0.0.2"));
    }

    @Test
    void cidr_matchesBlocksAndBareAddresses() {
        assertThat(Cidr.parse("10.0.0.0/8").contains(address("10.255.1.2"))).isTrue();
        assertThat(Cidr.parse("10.0.0.0/8").contains(address("11.0.0.1"))).isFalse();
        assertThat(Cidr.parse("192.0.2.7").contains(address("192.0.2.7"))).isTrue();
        assertThat(Cidr.parse("192.0.2.7").contains(address("192.0.2.8"))).isFalse();
        assertThat(Cidr.parse("2001:db8::/32").contains(address("2001:db8:1::1"))).isTrue();
        assertThat(Cidr.parse("0.0.0.0/0").contains(address("2001:db8::1"))).isFalse();
        assertThat(Cidr.parse("127.0.0.0/8").contains(address("::ffff:127.0.0.1"))).isTrue();
    }

    @Test
    void cidr_refusesNonsense() {
        for (String bad : new String[] {"10.0.0.0/33", "10.0.0/8", "example.com", "256.1.1.1", "10.0.0.0/x", ""}) {
            assertThatThrownBy(() -> Cidr.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
