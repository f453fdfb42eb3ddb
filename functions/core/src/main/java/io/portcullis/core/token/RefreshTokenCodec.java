package io.portcullis.core.token;

import io.portcullis.core.port.KeyRing;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Refresh tokens: {@code <key id>.base64url(family(16) | secret(32) | tag(16))}, where the tag is the first 16 bytes
 * of HMAC-SHA256 under a key derived from the token key of that id, over the key id, the family and the secret.
 *
 * <p>The secret makes each token unguessable; the tag proves that this gateway issued the token for that family,
 * so a presented token that is genuine but no longer current can be told from a forged one: only the first is
 * reuse, which ends the family. (The family id is the token id of the family's access tokens, which backends and
 * logs see: without the tag, anyone who saw one could end a user's session by presenting a made-up token.)
 *
 * <p>The store keeps {@link #hash} of a token, never the token. Refresh tokens contain a dot and so can never be
 * read as access tokens (base64url has no dot).
 */
public final class RefreshTokenCodec {
    private static final String PURPOSE = "refresh";
    private static final int SECRET_BYTES = 32;
    private static final int TAG_BYTES = 16;
    private static final int PAYLOAD_BYTES = TokenId.BYTES + SECRET_BYTES + TAG_BYTES;
    private static final int MAX_LENGTH = 256;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    /** A refresh token as minted: give {@code token} to the client, store {@code hash}. */
    public record Minted(String token, String hash) {
        @Override
        public String toString() {
            return "Minted[" + hash + "]";
        }
    }

    /** A presented refresh token that this gateway issued: its family, and the hash the store compares. */
    public record Presented(TokenId family, String hash) {
    }

    private final KeyRing keys;
    private final SecureRandom random;
    private final DerivedMac macs = new DerivedMac(PURPOSE);

    public RefreshTokenCodec(KeyRing keys, SecureRandom random) {
        this.keys = keys;
        this.random = random;
    }

    /** A new refresh token of {@code family}, under the issuing key. */
    public Minted mint(TokenId family) {
        TokenKey key = keys.issuingKey();
        byte[] secret = new byte[SECRET_BYTES];
        random.nextBytes(secret);
        byte[] payload = ByteBuffer.allocate(PAYLOAD_BYTES).put(family.toBytes()).put(secret)
                .put(tag(key, family.toBytes(), secret)).array();
        String token = key.id() + "." + ENCODER.encodeToString(payload);
        return new Minted(token, hash(token));
    }

    /**
     * The family of {@code token}, if this gateway issued it: well formed, under a key in the ring, and its tag
     * verifies (compared in constant time). Empty otherwise; nothing about the token is echoed.
     */
    public Optional<Presented> open(String token) {
        if (token == null || token.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        Optional<TokenKey> key = keys.key(token.substring(0, dot));
        if (key.isEmpty()) {
            return Optional.empty();
        }
        byte[] payload;
        try {
            payload = DECODER.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (payload.length != PAYLOAD_BYTES) {
            return Optional.empty();
        }
        byte[] family = Arrays.copyOfRange(payload, 0, TokenId.BYTES);
        byte[] secret = Arrays.copyOfRange(payload, TokenId.BYTES, TokenId.BYTES + SECRET_BYTES);
        byte[] tag = Arrays.copyOfRange(payload, TokenId.BYTES + SECRET_BYTES, PAYLOAD_BYTES);
        if (!MessageDigest.isEqual(tag, tag(key.get(), family, secret))) {
            return Optional.empty();
        }
        return Optional.of(new Presented(TokenId.fromBytes(family), hash(token)));
    }

    /** What the store keeps of a refresh token: SHA-256 of it, in hex. */
    public static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** HMAC-SHA256 of {@code key id . family secret}, under the key derived for refresh tokens, cut to the tag. */
    private byte[] tag(TokenKey key, byte[] family, byte[] secret) {
        byte[] id = key.idBytes();
        byte[] message = ByteBuffer.allocate(id.length + 1 + family.length + secret.length)
                .put(id).put((byte) '.').put(family).put(secret).array();
        return Arrays.copyOf(macs.mac(key, message), TAG_BYTES);
    }
}
