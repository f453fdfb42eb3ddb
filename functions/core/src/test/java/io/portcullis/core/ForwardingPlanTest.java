package io.portcullis.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.core.route.Backend;
import io.portcullis.core.route.Route;
import io.portcullis.core.token.TokenId;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A plan's own rules: a target to go to, headers that stop at this hop, token ids as written. */
class ForwardingPlanTest {
    private static final Route ROUTE = Route.to("/api", URI.create("http://backend:9000"));

    @Test
    void aPlanWithoutATarget_cannotBeMade() {
        assertThatThrownBy(() -> new ForwardingPlan(ROUTE, "GET", List.of(), false, Set.of(), List.of(),
                Optional.empty(), List.of(), Optional.empty(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        ForwardingPlan plan = new ForwardingPlan(ROUTE, "GET", List.of(new ForwardingPlan.Target(
                Backend.of(URI.create("http://backend:9000")), "/x?q")), false, Set.of(),
                List.of(), Optional.empty(), List.of(), Optional.empty(), Optional.empty());
        assertThat(plan.target()).isEqualTo("http://backend:9000/x?q");
    }

    @Test
    void backendHeaders_stopHere_whenHopByHopOrNamedInConnection() {
        assertThat(ForwardingPlan.returnsResponseHeader("Content-Type", Set.of("x-hop"))).isTrue();
        assertThat(ForwardingPlan.returnsResponseHeader("X-Hop", Set.of("x-hop"))).isFalse();
        assertThat(ForwardingPlan.returnsResponseHeader("Transfer-Encoding", Set.of())).isFalse();
        assertThat(ForwardingPlan.returnsResponseHeader("Connection", Set.of())).isFalse();
    }

    @Test
    void backendCorsHeaders_areReplacedUnlessTheGatewayGrantsTheOrigin() {
        ForwardingPlan limitedOnly = plan(List.of(new Header("RateLimit-Limit", "10"), new Header("Cache-Control",
                "no-store")));
        assertThat(limitedOnly.replacesResponseHeader("Access-Control-Allow-Origin")).isTrue();
        assertThat(limitedOnly.replacesResponseHeader("access-control-expose-headers")).isTrue();
        assertThat(limitedOnly.replacesResponseHeader("RateLimit-Limit")).isTrue();
        assertThat(limitedOnly.replacesResponseHeader("ETag")).isFalse();

        ForwardingPlan granted = plan(List.of(new Header("RateLimit-Limit", "10"),
                new Header("Access-Control-Allow-Origin", "https://app.example")));
        assertThat(granted.replacesResponseHeader("Access-Control-Expose-Headers")).isFalse();
        assertThat(granted.replacesResponseHeader("Access-Control-Allow-Origin")).isTrue();
    }

    private static ForwardingPlan plan(List<Header> responseHeaders) {
        return new ForwardingPlan(ROUTE, "GET", List.of(new ForwardingPlan.Target(
                Backend.of(URI.create("http://backend:9000")), "/x")), false, Set.of(), List.of(), Optional.empty(),
                responseHeaders, Optional.empty(), Optional.empty());
    }

    @Test
    void tokenIds_areExactly32LowerCaseHexDigits() {
        assertThat(new TokenId("0123456789abcdef0123456789abcdef").value()).hasSize(32);
        for (String bad : new String[] {"0123456789abcdef0123456789abcde", "0123456789abcdef0123456789abcdef0",
            "0123456789abcdef0123456789abcde/", "0123456789abcdef0123456789abcde:",
            "0123456789abcdef0123456789abcde`", "0123456789abcdef0123456789abcdeg",
            "0123456789ABCDEF0123456789abcdef", null}) {
            assertThatThrownBy(() -> new TokenId(bad)).as(String.valueOf(bad))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
