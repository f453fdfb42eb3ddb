package io.portcullis.core.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalPathTest {
    @ParameterizedTest
    @CsvSource({
        "/, /",
        "/api/users, /api/users",
        "/public/../admin, /admin",
        "/public/%2e%2e/admin, /admin",
        "/public/%2E%2E/admin, /admin",
        "/a/./b/./c, /a/b/c",
        "/a/b/.., /a/",
        "/../../etc/passwd, /etc/passwd",
        "//admin, /admin",
        "/api//v1///x, /api/v1/x",
        "/api/, /api/",
        "/%61dmin, /admin",
        "/a%20b, /a%20b",
        "/a%7ex, /a~x",
        "/caf%c3%a9, /caf%C3%A9",
        "/a%3bb, /a%3Bb",
    })
    void of_normalizes(String raw, String canonical) {
        assertThat(CanonicalPath.of(raw)).isEqualTo(canonical);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api%2Fadmin", "/api%2fadmin", "/api%5Cadmin", "/api%5cadmin", "/api\\admin", "/a%00b",
        "/a%0Ab", "/a%", "/a%4", "/a%zz", "", "api", "/a b", "/caf\u00e9", "/admin;x=1/secret"})
    void of_refusesAmbiguousOrHostilePaths(String raw) {
        assertThatThrownBy(() -> CanonicalPath.of(raw)).isInstanceOf(BadPathException.class);
    }
}
