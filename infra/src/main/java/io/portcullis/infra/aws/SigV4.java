package io.portcullis.infra.aws;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 for a POST to the root path of a JSON-protocol service (DynamoDB, Secrets Manager): the
 * headers that make the request signed. Every header given is signed, with {@code host} and {@code x-amz-date}
 * (and {@code x-amz-security-token} for temporary credentials) added. {@code SigV4Test} checks every signature
 * against the SDK's own signer; {@link AwsJsonService} says why the gateway signs its own calls.
 */
public final class SigV4 {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();

    /** What signs: an access key and its secret, with the session token of temporary credentials (or null). */
    public record Credentials(String accessKeyId, String secretAccessKey, String sessionToken) {
        @Override
        public String toString() {
            return "Credentials[" + accessKeyId + "]";
        }
    }

    private SigV4() {
    }

    /**
     * The headers to send: {@code headers} (names in any case) plus {@code host}, {@code x-amz-date},
     * {@code x-amz-security-token} when there is a session token, and {@code authorization}.
     */
    public static Map<String, String> sign(Credentials credentials, String region, String service, String host,
            Map<String, String> headers, byte[] body, Instant now) {
        String timestamp = STAMP.format(now);
        String date = timestamp.substring(0, 8);
        TreeMap<String, String> signed = new TreeMap<>();
        headers.forEach((name, value) ->
                signed.put(name.toLowerCase(Locale.ROOT), value.strip().replaceAll(" +", " ")));
        signed.put("host", host);
        signed.put("x-amz-date", timestamp);
        if (credentials.sessionToken() != null && !credentials.sessionToken().isBlank()) {
            signed.put("x-amz-security-token", credentials.sessionToken());
        }
        String signedNames = String.join(";", signed.keySet());
        StringBuilder canonical = new StringBuilder("POST\n/\n\n");
        signed.forEach((name, value) -> canonical.append(name).append(':').append(value).append('\n'));
        canonical.append('\n').append(signedNames).append('\n').append(HEX.formatHex(sha256(body)));
        String scope = date + "/" + region + "/" + service + "/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + timestamp + "\n" + scope + "\n"
                + HEX.formatHex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + credentials.secretAccessKey()).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(hmac(hmac(key, region), service), "aws4_request");
        String signature = HEX.formatHex(hmac(key, toSign));
        signed.put("authorization", "AWS4-HMAC-SHA256 Credential=" + credentials.accessKeyId() + "/" + scope
                + ", SignedHeaders=" + signedNames + ", Signature=" + signature);
        return signed;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }
}
