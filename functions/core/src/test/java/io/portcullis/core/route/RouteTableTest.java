package io.portcullis.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouteTableTest {
    private final Route api = Route.to("/api", URI.create("http://api:9000"));
    private final Route apiAdmin = Route.to("/api/admin", URI.create("http://admin:9000/base/"));
    private final Route root = Route.to("/", URI.create("http://web:8080"));
    private final RouteTable table = new RouteTable(List.of(root, api, apiAdmin));

    @Test
    void match_prefixOnSegmentBoundaryOnly() {
        assertThat(table.match("/api")).contains(api);
        assertThat(table.match("/api/")).contains(api);
        assertThat(table.match("/api/x")).contains(api);
        assertThat(table.match("/apix")).contains(root);
    }

    @Test
    void match_longestPrefixWins_whateverTheOrder() {
        assertThat(table.match("/api/admin/users")).contains(apiAdmin);
        assertThat(table.match("/api/administrator")).contains(api);
        assertThat(table.match("/elsewhere")).contains(root);
    }

    @Test
    void match_traversalIsResolvedBeforeMatching() {
        assertThat(table.match(CanonicalPath.of("/api/../api/admin/x"))).contains(apiAdmin);
        assertThat(table.match(CanonicalPath.of("/public/../api/admin"))).contains(apiAdmin);
    }

    @Test
    void match_noRoute_isEmpty() {
        assertThat(new RouteTable(List.of(api)).match("/other")).isEmpty();
    }

    @Test
    void upstreamUri_stripsPrefixByDefault_andKeepsQuery() {
        assertThat(api.upstreamUri("/api/v1/users", "a=1&b=%20")).isEqualTo("http://api:9000/v1/users?a=1&b=%20");
        assertThat(api.upstreamUri("/api", "")).isEqualTo("http://api:9000/");
        assertThat(apiAdmin.upstreamUri("/api/admin/x", "")).isEqualTo("http://admin:9000/base/x");
        assertThat(apiAdmin.upstreamUri("/api/admin", "")).isEqualTo("http://admin:9000/base");
        assertThat(root.upstreamUri("/a/b", "")).isEqualTo("http://web:8080/a/b");
    }

    @Test
    void upstreamUri_preservePrefix_keepsFullPath() {
        Route preserving = new Route("/api", URI.create("http://api:9000"), true, Set.of(), Set.of(), Set.of(), true);

        assertThat(preserving.upstreamUri("/api/v1", "")).isEqualTo("http://api:9000/api/v1");
    }

    @Test
    void methods_getAllowsHead_andAllowHeaderListsThem() {
        Route readOnly = new Route("/r", URI.create("http://r"), true, Set.of(), Set.of(), Set.of("GET"), false);

        assertThat(readOnly.allowsMethod("GET")).isTrue();
        assertThat(readOnly.allowsMethod("HEAD")).isTrue();
        assertThat(readOnly.allowsMethod("POST")).isFalse();
        assertThat(readOnly.allowHeader()).isEqualTo("GET, HEAD");
        assertThat(api.allowsMethod("DELETE")).isTrue();
    }
}
