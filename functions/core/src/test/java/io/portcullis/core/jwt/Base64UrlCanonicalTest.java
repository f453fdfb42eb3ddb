package io.portcullis.core.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which base64url a JWT may be written in: canonical only, so one signed token has one spelling. */
class Base64UrlCanonicalTest {
    @Test
    void canonical_unpaddedAlphabetWithEmptyUnusedBits_isAccepted() {
        for (String part : new String[] {"", "AAAA", "QQ", "gg", "ww", "AAE", "AAw", "AA4", "-_-_", "Zz09",
            "AAAA.QQ", "AAA.QQ.gg", "AAAA.AAAA.", ".AAAA"}) {
            assertThat(JwtVerifier.isCanonicalBase64UrlParts(part)).as(part).isTrue();
        }
    }

    @Test
    void padding_strayBits_loneCharacters_andOtherAlphabets_areRefused() {
        for (String part : new String[] {"A", "AAAAA", "QR", "Ah", "A5", "A_", "AAF", "AAx", "AA5", "AA-", "AA_",
            "QQ==", "QQ=", "AAAA.QR", "QR.AAAA", "AAAA.AAAAA", "AA+/", "AA/A", "AA A", "AA\u00e9A"}) {
            assertThat(JwtVerifier.isCanonicalBase64UrlParts(part)).as(part).isFalse();
        }
    }
}
