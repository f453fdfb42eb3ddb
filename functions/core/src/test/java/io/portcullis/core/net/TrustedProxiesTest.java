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
    void clientAddress_xForwardedForSetup_ignoresAClientsForwardedHeader() {
        // Proxies append to X-Forwarded-For and pass Forwarded through: there it is whatever the client wrote.
        MapHeaders headers = MapHeaders.of("Forwarded", "for=10.1.2.3", "X-Forwarded-For", "203.0.113.7");

        assertThat(proxies.clientAddress(address("10.0.0.2"), headers)).isEqualTo(address("203.0.113.7"));
        assertThat(proxies.clientAddress(address("10.0.0.2"), MapHeaders.of("Forwarded", "for=10.1.2.3")))
                .as("no X-Forwarded-For: the proxy itself").isEqualTo(address("10.0.0.2"));
    }

    @Test
    void clientAddress_forwardedSetup_readsForwardedOnly_quotedIpv6WithPort() {
        TrustedProxies forwarded = new TrustedProxies(proxies.blocks(), TrustedProxies.Source.FORWARDED);
        MapHeaders headers = MapHeaders.of("Forwarded", "for=\"[2001:db8::7]:4711\";proto=https, for=10.2.2.2",
                "X-Forwarded-For", "6.6.6.6");

        assertThat(forwarded.clientAddress(address("::1"), headers)).isEqualTo(address("2001:db8::7"));
        assertThat(forwarded.clientAddress(address("10.0.0.2"), MapHeaders.of("X-Forwarded-For", "10.9.9.9")))
                .as("X-Forwarded-For is a claim in this setup").isEqualTo(address("10.0.0.2"));
    }

    @Test
    void chain_vouchesForTheHopsFromTheClient_andTheTrustedProxysSchemeAndHost() {
        MapHeaders headers = MapHeaders.of("X-Forwarded-For", "6.6.6.6, 198.51.100.1, 10.1.1.1",
                "X-Forwarded-Proto", "http, HTTPS", "X-Forwarded-Host", "evil.example, public.example");

        ClientChain chain = proxies.chain(address("10.0.0.2"), headers, false);

        assertThat(chain.client()).isEqualTo(address("198.51.100.1"));
        assertThat(chain.forwardedFor()).as("the client's own entries are not passed on")
                .isEqualTo("198.51.100.1, 10.1.1.1, 10.0.0.2");
        assertThat(chain.scheme()).isEqualTo("https");
        assertThat(chain.host()).contains("public.example");
    }

    @Test
    void chain_forwardedSetup_takesSchemeAndHostFromTheElementNamingTheClient() {
        TrustedProxies forwarded = new TrustedProxies(proxies.blocks(), TrustedProxies.Source.FORWARDED);
        MapHeaders headers = MapHeaders.of("Forwarded", "for=6.6.6.6;host=evil.example;proto=http, "
                + "for=198.51.100.1;host=public.example;proto=https, for=10.1.1.1;proto=http",
                "X-Forwarded-Host", "evil.example");

        ClientChain chain = forwarded.chain(address("10.0.0.2"), headers, false);

        assertThat(chain.client()).isEqualTo(address("198.51.100.1"));
        assertThat(chain.forwardedFor()).isEqualTo("198.51.100.1, 10.1.1.1, 10.0.0.2");
        assertThat(chain.scheme()).isEqualTo("https");
        assertThat(chain.host()).contains("public.example");
    }

    @Test
    void chain_untrustedPeer_vouchesForTheConnectionOnly() {
        MapHeaders headers = MapHeaders.of("X-Forwarded-For", "1.2.3.4", "X-Forwarded-Proto", "https",
                "X-Forwarded-Host", "evil.example", "Host", "gw.example");

        ClientChain chain = proxies.chain(address("203.0.113.9"), headers, true);

        assertThat(chain.hops()).containsExactly(address("203.0.113.9"));
        assertThat(chain.forwardedFor()).isEqualTo("203.0.113.9");
        assertThat(chain.scheme()).as("the connection's own").isEqualTo("https");
        assertThat(chain.host()).isEmpty();
        assertThat(proxies.chain(address("203.0.113.9"), headers, false).scheme()).isEqualTo("http");
    }

    @Test
    void chain_aSchemeOrHostThatIsNotOne_isIgnored() {
        MapHeaders headers = MapHeaders.of("X-Forwarded-For", "198.51.100.1", "X-Forwarded-Proto", "gopher",
                "X-Forwarded-Host", "a b/c");

        ClientChain chain = proxies.chain(address("10.0.0.2"), headers, false);

        assertThat(chain.scheme()).isEqualTo("http");
        assertThat(chain.host()).isEmpty();
    }

    @Test
    void source_isNamedInTheConfigInAnyCase() {
        assertThat(TrustedProxies.Source.named(" Forwarded ")).contains(TrustedProxies.Source.FORWARDED);
        assertThat(TrustedProxies.Source.named("X-FORWARDED-FOR")).contains(TrustedProxies.Source.X_FORWARDED_FOR);
        assertThat(TrustedProxies.Source.named("x-real-ip")).isEmpty();
        assertThat(TrustedProxies.NONE.trusts(address("127.0.0.1"))).isFalse();
    }

    @Test
    void clientKey_countsIpv4AddressesAndIpv6Networks() {
        assertThat(ClientKey.of(address("203.0.113.7"))).isEqualTo("203.0.113.7");
        assertThat(ClientKey.of(address("2001:db8:0:1::1"))).isEqualTo("2001:db8:0:1::/64");
        assertThat(ClientKey.of(address("2001:db8:0:1:ffff:ffff:ffff:ffff"))).isEqualTo("2001:db8:0:1::/64");
        assertThat(ClientKey.of(address("2001:db8:0:2::1"))).isEqualTo("2001:db8:0:2::/64");
        assertThat(ClientKey.of(address("::ffff:198.51.100.1"))).as("IPv4-mapped: the IPv4 address")
                .isEqualTo("198.51.100.1");
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
