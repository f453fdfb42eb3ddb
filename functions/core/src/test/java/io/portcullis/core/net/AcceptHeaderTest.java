package io.portcullis.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Telling a browser's page load from a program's request by {@code Accept}. */
class AcceptHeaderTest {
    @Test
    void browsersNavigatingToAPage_preferHtml() {
        for (String accept : List.of(
                "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
                        + "application/signed-exchange;v=b3;q=0.7",
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                "text/html",
                "TEXT/HTML; charset=utf-8",
                "application/xhtml+xml, application/json;q=0.5")) {
            assertThat(AcceptHeader.prefersHtml(List.of(accept))).as(accept).isTrue();
        }
    }

    @Test
    void programs_doNot() {
        for (String accept : List.of("*/*", "application/json", "application/json, text/html",
                "text/html;q=0.5, application/json", "text/*", "text/html;q=0", "", " , ")) {
            assertThat(AcceptHeader.prefersHtml(List.of(accept))).as(accept).isFalse();
        }
        assertThat(AcceptHeader.prefersHtml(List.of())).as("no Accept at all").isFalse();
    }

    @Test
    void severalHeaderLines_areOneList() {
        assertThat(AcceptHeader.prefersHtml(List.of("application/json;q=0.2", "text/html"))).isTrue();
        assertThat(AcceptHeader.prefersHtml(List.of("application/json", "text/html"))).isFalse();
    }

    @Test
    void aMalformedWeight_readsAsOne() {
        assertThat(AcceptHeader.prefersHtml(List.of("text/html;q=x, application/json;q=0.9"))).isTrue();
    }
}
