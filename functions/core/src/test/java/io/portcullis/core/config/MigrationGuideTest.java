package io.portcullis.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's "Migrating from ProxyAuth" section kept in step with the code: every key ProxyAuth's files may hold
 * is documented there, and so is every deliberate difference issue 17 asked to be written down.
 */
class MigrationGuideTest {
    private static String section;

    @BeforeAll
    static void readReadme() throws IOException {
        String readme = Files.readString(Path.of("../../README.md"));
        int start = readme.indexOf("\n## Migrating from ProxyAuth\n");
        int end = readme.indexOf("\n## ", start + 1);
        assertThat(start).as("the README has the section").isPositive();
        section = readme.substring(start, end);
    }

    @Test
    void everyConfigJsonKey_isDocumented() {
        assertThat(ProxyAuthFiles.CONFIG_KEYS).allSatisfy(key -> assertThat(section).contains("`" + key));
        assertThat(section).contains("`trusted_proxies` (**Portcullis's own key**");
    }

    @Test
    void everyRouteKey_isDocumented() {
        assertThat(ProxyAuthRoutes.ROUTE_KEYS).allSatisfy(key -> assertThat(section).contains("`" + key + "`"));
    }

    @Test
    void everyDeliberateDifference_hasItsRow() {
        List<String> rows = List.of(
                "| Wrong password", "| A user the route's `username` list does not name", "| A route without `secure`",
                "| Rate-limit headers", "| `POST /adm/revoke` with an `exp` in the future",
                "| `POST /adm/revoke` with an `exp` in the past", "| A trailing slash", "| `GET /adm/stats` dates",
                "| HS512 key", "| JWT `exp`", "| JWT `sub`", "| Redis database");
        assertThat(rows).allSatisfy(row -> assertThat(section).contains("\n" + row));
        assertThat(section.lines().filter(line -> rows.stream().anyMatch(line::startsWith)).toList())
                .as("each row has its four cells, the last saying why").hasSize(rows.size())
                .allSatisfy(line -> assertThat(line.split(" \\| ")).hasSize(4));
    }
}
