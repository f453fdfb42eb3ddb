package io.portcullis.core.net;

import static io.portcullis.core.Fixtures.address;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/** Address blocks at their edges: prefixes off byte boundaries, IPv4 as a dual-stack listener reports it. */
class CidrTest {
    @Test
    void aPrefixOffAByteBoundary_coversExactlyItsBlock() {
        Cidr block = Cidr.parse("10.16.0.0/12");

        assertThat(block.contains(address("10.16.0.0"))).isTrue();
        assertThat(block.contains(address("10.31.255.255"))).isTrue();
        assertThat(block.contains(address("10.32.0.0"))).isFalse();
        assertThat(block.contains(address("10.15.255.255"))).isFalse();
        assertThat(Cidr.parse("2001:db8::/33").contains(address("2001:db8:7fff::1"))).isTrue();
        assertThat(Cidr.parse("2001:db8::/33").contains(address("2001:db8:8000::1"))).isFalse();
    }

    @Test
    void anIpv4MappedIpv6Address_isTheIpv4Address() throws UnknownHostException {
        assertThat(Cidr.parse("10.0.0.0/8").contains(v6(0, 0xff, 0xff, 10, 1, 2, 3))).isTrue();
        assertThat(Cidr.parse("10.0.0.0/8").contains(v6(0, 0xff, 0xff, 11, 1, 2, 3))).isFalse();
        assertThat(Cidr.parse("10.0.0.0/8").contains(v6(1, 0xff, 0xff, 10, 1, 2, 3)))
                .as("not mapped: a byte before ffff is set").isFalse();
        assertThat(Cidr.parse("10.0.0.0/8").contains(v6(0, 0xff, 0x00, 10, 1, 2, 3))).isFalse();
        assertThat(Cidr.parse("10.0.0.0/8").contains(v6(0, 0x00, 0xff, 10, 1, 2, 3))).isFalse();
        assertThat(Cidr.parse("::/64").contains(v6(1, 0xff, 0xff, 10, 1, 2, 3))).as("an IPv6 address").isTrue();
        assertThat(Cidr.parse("::/64").contains(v6(0, 0xff, 0xff, 10, 1, 2, 3))).as("an IPv4 address").isFalse();
    }

    @Test
    void blocksAreEqual_whenTheyCoverTheSameAddresses() {
        assertThat(Cidr.parse("10.1.2.3/8")).isEqualTo(Cidr.parse("10.0.0.0/8"))
                .hasSameHashCodeAs(Cidr.parse("10.0.0.0/8"));
        assertThat(Cidr.parse("10.0.0.0/8")).isNotEqualTo(Cidr.parse("10.0.0.0/16"))
                .isNotEqualTo(Cidr.parse("11.0.0.0/8")).isNotEqualTo("10.0.0.0/8");
        assertThat(Cidr.parse("10.0.0.0/8").hashCode()).isNotEqualTo(Cidr.parse("10.0.0.0/16").hashCode());
        assertThat(Cidr.parse("10.0.0.0/8").hashCode()).isNotEqualTo(Cidr.parse("11.0.0.0/8").hashCode());
        assertThat(Cidr.parse(" 10.0.0.0/8 ").toString()).isEqualTo("10.0.0.0/8");
    }

    /**
     * An IPv6 address as a dual-stack listener reports one, never converted to IPv4: {@code marker} in byte 9, then
     * bytes 10 and 11, then the four IPv4 bytes.
     */
    private static InetAddress v6(int marker, int b10, int b11, int a, int b, int c, int d)
            throws UnknownHostException {
        byte[] bytes = new byte[16];
        bytes[9] = (byte) marker;
        bytes[10] = (byte) b10;
        bytes[11] = (byte) b11;
        bytes[12] = (byte) a;
        bytes[13] = (byte) b;
        bytes[14] = (byte) c;
        bytes[15] = (byte) d;
        return Inet6Address.getByAddress(null, bytes, -1);
    }
}
