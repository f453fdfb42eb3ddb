package io.portcullis.core.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.core.Fixtures;
import io.portcullis.core.page.PageTemplate.Fields;
import io.portcullis.core.page.PageTemplate.TemplateException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pages' template language: escaped values, sections, and every mistake a startup error with its line. */
class PageTemplateTest {
    private static final Fields FIELDS = new Fields(Set.of("name", "note"), Set.of("shown", "hidden"));

    private static String render(String source, Map<String, ?> values) {
        return PageTemplate.parse("t.html", source, FIELDS).render(values);
    }

    @Test
    void values_areHtmlEscaped_inTextAndInAttributes() {
        assertThat(render("<p title=\"{{name}}\">{{name}}</p>", Map.of("name", "<b a='1'>\"Tom & Jerry\"</b>")))
                .isEqualTo("<p title=\"&lt;b a=&#39;1&#39;&gt;&quot;Tom &amp; Jerry&quot;&lt;/b&gt;\">"
                        + "&lt;b a=&#39;1&#39;&gt;&quot;Tom &amp; Jerry&quot;&lt;/b&gt;</p>");
    }

    @Test
    void sections_showOnATrueConditionOrNonEmptyText_invertedOnTheOpposite() {
        String source = "{{#shown}}A{{/shown}}{{^shown}}B{{/shown}}{{#note}}[{{note}}]{{/note}}{{^note}}-{{/note}}"
                + "{{#shown}}{{#hidden}}nested{{/hidden}}{{/shown}}{{! a comment }}";
        assertThat(render(source, Map.of("shown", true, "note", "n"))).isEqualTo("A[n]");
        assertThat(render(source, Map.of("shown", false, "note", ""))).isEqualTo("B-");
        assertThat(render(source, Map.of())).as("missing fields are empty and false").isEqualTo("B-");
        assertThat(render(source, Map.of("shown", true, "hidden", true))).isEqualTo("A-nested");
    }

    @Test
    void parse_unknownField_namesTheTemplateAndLine() {
        assertThatThrownBy(() -> PageTemplate.parse("mine.html", "<p>\n\n  {{usrname}}</p>", FIELDS))
                .isInstanceOf(TemplateException.class)
                .hasMessageStartingWith("mine.html line 3: unknown field {{usrname}}")
                .hasMessageContaining("hidden, name, note, shown");
        assertThatThrownBy(() -> PageTemplate.parse("mine.html", "{{#nope}}x{{/nope}}", FIELDS))
                .hasMessageStartingWith("mine.html line 1: unknown field {{#nope}}");
    }

    @Test
    void parse_malformedTemplates_areRefusedWithTheLine() {
        assertThatThrownBy(() -> PageTemplate.parse("t.html", "a\n{{#shown}}\nb\n", FIELDS))
                .hasMessage("t.html line 2: {{#shown}} is never closed with {{/shown}}");
        assertThatThrownBy(() -> PageTemplate.parse("t.html", "{{#shown}}\n{{/hidden}}", FIELDS))
                .hasMessageStartingWith("t.html line 2: {{/hidden}} closes {{#shown}}, opened on line 1");
        assertThatThrownBy(() -> PageTemplate.parse("t.html", "x\n{{/shown}}", FIELDS))
                .hasMessageStartingWith("t.html line 2: {{/shown}} closes no open section");
        assertThatThrownBy(() -> PageTemplate.parse("t.html", "\n\n{{name", FIELDS))
                .hasMessage("t.html line 3: '{{' is never closed with '}}'");
        assertThatThrownBy(() -> PageTemplate.parse("t.html", "{{{name}}}", FIELDS))
                .hasMessageContaining("unescaped output is not offered");
        assertThatThrownBy(() -> PageTemplate.parse("t.html", "{{&name}}", FIELDS))
                .hasMessageContaining("unescaped output is not offered");
        assertThatThrownBy(() -> PageTemplate.parse("t.html", "{{> header}}", FIELDS))
                .hasMessageContaining("partials");
        assertThatThrownBy(() -> PageTemplate.parse("t.html", "\n{{shown}}", FIELDS))
                .hasMessageStartingWith("t.html line 2: shown is a condition: use {{#shown}}");
    }

    @Test
    void lineNumbers_countNewlinesInsideEarlierTags() {
        assertThatThrownBy(() -> PageTemplate.parse("t.html", "{{! one\ntwo }}\n{{bad}}", FIELDS))
                .hasMessageStartingWith("t.html line 3:");
    }

    @Test
    void builtInTemplate_namesOnlyTheOfferedFields_andEveryRequiredOne() {
        PageTemplate builtIn = PageTemplates.builtIn();

        assertThat(builtIn.named()).containsAll(PageTemplates.REQUIRED);
        assertThat(PageTemplates.FIELDS.all()).containsAll(builtIn.named());
    }

    @Test
    void operatorsTemplate_mustNameTheRequiredFields(@TempDir Path dir) {
        Path file = Fixtures.write(dir, "mine.html", "{{#sign_in}}{{#step_password}}{{/step_password}}"
                + "{{#step_code}}{{/step_code}}{{/sign_in}}{{#signed_out}}{{/signed_out}}{{#second_factor}}"
                + "{{csrf_token}}{{/second_factor}}");

        assertThatThrownBy(() -> PageTemplates.read(file, "mine.html"))
                .isInstanceOf(TemplateException.class)
                .hasMessageStartingWith("mine.html: never names {{redirect}}");
    }

    @Test
    void operatorsTemplate_thatIsNotUtf8_orMissing_isRefused(@TempDir Path dir) throws Exception {
        Path latin1 = dir.resolve("latin1.html");
        java.nio.file.Files.write(latin1, new byte[] {'c', 'a', 'f', (byte) 0xe9});

        assertThatThrownBy(() -> PageTemplates.read(latin1, "latin1.html")).hasMessage("latin1.html: is not UTF-8");
        assertThatThrownBy(() -> PageTemplates.read(dir.resolve("none.html"), "none.html"))
                .hasMessageStartingWith("none.html: cannot be read");
    }

    @Test
    void stylesheet_putsTheAccentIn_withTheMoreContrastingTextColourOnIt() {
        assertThat(PageTemplates.stylesheet("#2451b7")).contains("--accent: #2451b7;")
                .contains("--on-accent: #ffffff;");
        assertThat(PageTemplates.stylesheet("#ffd400")).contains("--accent: #ffd400;")
                .contains("--on-accent: #000000;");
        assertThat(PageTemplates.normalizeColor(" #ABC ")).isEqualTo("#aabbcc");
        assertThatThrownBy(() -> PageTemplates.normalizeColor("red; } body { display:none"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
