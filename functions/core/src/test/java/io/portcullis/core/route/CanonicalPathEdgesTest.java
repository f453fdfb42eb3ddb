package io.portcullis.core.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The edges of the canonical path: lengths, the last escape, and exactly which characters are unreserved. */
class CanonicalPathEdgesTest {
    @Test
    void length_upToTheLimitIsAccepted_beyondItRefused() {
        String longest = "/" + "a".repeat(CanonicalPath.MAX_LENGTH - 1);

        assertThat(CanonicalPath.of(longest)).isEqualTo(longest);
        assertThatThrownBy(() -> CanonicalPath.of(longest + "a")).isInstanceOf(BadPathException.class);
    }

    @Test
    void anEscapeAtTheVeryEnd_isReadWhole_orRefusedWhenCut() {
        assertThat(CanonicalPath.of("/a%41")).isEqualTo("/aA");
        assertThatThrownBy(() -> CanonicalPath.of("/a%4")).isInstanceOf(BadPathException.class);
        assertThatThrownBy(() -> CanonicalPath.of("/a%")).isInstanceOf(BadPathException.class);
    }

    @Test
    void visibleAsciiIsKept_spaceAndDeleteRefused() {
        assertThat(CanonicalPath.of("/!")).isEqualTo("/!");
        assertThat(CanonicalPath.of("/~")).isEqualTo("/~");
        assertThatThrownBy(() -> CanonicalPath.of("/a b")).isInstanceOf(BadPathException.class);
        assertThatThrownBy(() -> CanonicalPath.of("/a\u007f")).isInstanceOf(BadPathException.class);
    }

    @Test
    void exactlyTheUnreservedCharactersAreDecoded_theirNeighboursStayEncoded() {
        assertThat(CanonicalPath.of("/%41%5A%61%7A%30%39%2D%2E%5F%7E")).isEqualTo("/AZaz09-._~");
        assertThat(CanonicalPath.of("/%40%5B%60%7B%3A%2C")).isEqualTo("/%40%5B%60%7B%3A%2C");
        assertThat(CanonicalPath.of("/%5b%7b")).as("other escapes upper-cased").isEqualTo("/%5B%7B");
    }
}
