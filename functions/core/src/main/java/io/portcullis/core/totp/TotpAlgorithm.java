package io.portcullis.core.totp;

/** The HMAC of RFC 6238. SHA-1 is what most authenticator apps assume when a URI names none. */
public enum TotpAlgorithm {
    SHA1("HmacSHA1"), SHA256("HmacSHA256"), SHA512("HmacSHA512");

    private final String mac;

    TotpAlgorithm(String mac) {
        this.mac = mac;
    }

    String mac() {
        return mac;
    }
}
