package io.portcullis.infra.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/** Every signature {@link SigV4} makes is the one the AWS SDK's own SigV4 signer makes for the same request. */
class SigV4Test {
    @Test
    void signatures_areTheSdkSigners_forLongTermAndTemporaryCredentials() {
        Random random = new Random(4);
        for (int i = 0; i < 200; i++) {
            String region = new String[] {"us-east-1", "eu-west-3", "cn-north-1", "ap-southeast-2"}[random.nextInt(4)];
            String host = i % 3 == 0 ? "127.0.0.1:" + (1024 + random.nextInt(60000))
                    : "secretsmanager." + region + ".amazonaws.com";
            SigV4.Credentials credentials = new SigV4.Credentials("AKIA" + random.nextInt(1_000_000),
                    Long.toString(random.nextLong(), 36) + "/+" + random.nextInt(),
                    i % 2 == 0 ? null : "session//" + Long.toString(random.nextLong(), 36) + "==");
            byte[] body = ("{\"SecretId\":\"arn:aws:secretsmanager:" + region + ":123456789012:secret:s-" + i + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            Instant now = Instant.ofEpochSecond(1_700_000_000L + random.nextInt(100_000_000));
            Map<String, String> headers = Map.of("Content-Type", "application/x-amz-json-1.1",
                    "X-Amz-Target", "secretsmanager.GetSecretValue");

            SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.POST)
                    .uri(URI.create((host.startsWith("127.") ? "http://" : "https://") + host + "/"));
            headers.forEach(request::putHeader);
            AwsCredentialsIdentity identity = credentials.sessionToken() == null
                    ? AwsCredentialsIdentity.create(credentials.accessKeyId(), credentials.secretAccessKey())
                    : AwsSessionCredentialsIdentity.create(credentials.accessKeyId(), credentials.secretAccessKey(),
                            credentials.sessionToken());
            SignedRequest sdk = AwsV4HttpSigner.create().sign(r -> r.identity(identity).request(request.build())
                    .payload(ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "secretsmanager")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                    .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(now, ZoneOffset.UTC)));
            // The SDK's signer, used on its own, also signs a header with the body's hash (the service clients
            // that do not need it leave it out, as Secrets Manager's call does): given the same header, the
            // signatures must be equal.
            Map<String, String> withHash = new java.util.HashMap<>(headers);
            withHash.put("X-Amz-Content-Sha256", sdk.request().firstMatchingHeader("x-amz-content-sha256").orElseThrow());

            Map<String, String> ours = SigV4.sign(credentials, region, "secretsmanager", host, withHash, body, now);

            assertThat(ours.get("authorization")).as("request %d", i)
                    .isEqualTo(sdk.request().firstMatchingHeader("Authorization").orElseThrow());
            assertThat(ours.get("x-amz-date")).isEqualTo(sdk.request().firstMatchingHeader("X-Amz-Date").orElseThrow());
            assertThat(ours.get("x-amz-security-token"))
                    .isEqualTo(sdk.request().firstMatchingHeader("X-Amz-Security-Token").orElse(null));
        }
    }

    @Test
    void theSecretKey_neverAppearsInTheHeadersOrInTheCredentialsText() {
        SigV4.Credentials credentials = new SigV4.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                null);

        Map<String, String> headers = SigV4.sign(credentials, "us-east-1", "secretsmanager", "example.amazonaws.com",
                Map.of(), new byte[0], Instant.parse("2015-08-30T12:36:00Z"));

        assertThat(String.join("\n", headers.values())).doesNotContain(credentials.secretAccessKey());
        assertThat(credentials.toString()).doesNotContain(credentials.secretAccessKey());
        assertThat(headers.get("authorization")).startsWith(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/secretsmanager/aws4_request, "
                        + "SignedHeaders=host;x-amz-date, Signature=");
    }
}
