package io.portcullis.lambda;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.core.Json;
import io.portcullis.core.StoreUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * Secrets named in the environment by ARN, fetched once per execution environment: every variable
 * {@code NAME_ARN} whose name ends in {@code _SECRET_ARN} becomes {@code NAME} with the secret's value, so the
 * configuration refers to {@code ${PORTCULLIS_TOKEN_SECRET}} here exactly as on a server. Secret values never
 * appear in Lambda's environment, in Terraform outputs or in logs.
 */
public final class Secrets {
    /** Variables with this suffix name a secret by ARN. */
    public static final String SUFFIX = "_SECRET_ARN";

    /**
     * What stands for every secret while the configuration is checked during init: not a secret (it is written
     * here), but long and varied enough to pass the checks a real secret must pass (a token key's length and
     * entropy, an admin token's length).
     */
    static final String PLACEHOLDER = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private Secrets() {
    }

    /** {@code env} plus each {@code *_SECRET_ARN}'s value under its name without {@code _ARN}. */
    public static Map<String, String> resolve(Map<String, String> env, UnaryOperator<String> fetch) {
        Map<String, String> resolved = new HashMap<>(env);
        env.forEach((name, arn) -> {
            if (name.endsWith(SUFFIX) && !arn.isBlank()) {
                resolved.put(name.substring(0, name.length() - "_ARN".length()), fetch.apply(arn));
            }
        });
        return resolved;
    }

    /** {@code env} with {@value #PLACEHOLDER} for every secret it names: what the init-time check loads with. */
    static Map<String, String> placeholders(Map<String, String> env) {
        return resolve(env, arn -> PLACEHOLDER);
    }

    /**
     * Reads secrets from AWS Secrets Manager, one SigV4-signed {@code GetSecretValue} call each ({@link SigV4}) over
     * the JDK's {@code HttpURLConnection}, not the SDK's client (see {@link SigV4} for why).
     * <ul>
     *   <li>Region and credentials: the function's environment ({@code AWS_REGION}, {@code AWS_ACCESS_KEY_ID},
     *       {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_SESSION_TOKEN}); where it has no access key (SnapStart's
     *       container credentials), the SDK's default chain.</li>
     *   <li>Endpoint: {@code AWS_ENDPOINT_URL_SECRETS_MANAGER} or {@code AWS_ENDPOINT_URL} when set, else the
     *       region's ({@code secretsmanager-fips} with {@code AWS_USE_FIPS_ENDPOINT=true}, {@code amazonaws.com.cn}
     *       in China).</li>
     *   <li>A throttled call, a 5xx or an unreachable endpoint is tried three times in all (as the SDK's standard
     *       retries would), then is a {@link StoreUnavailableException}: the invocation answers 503. Any other
     *       refusal (access denied, no such secret) is an {@link IllegalStateException} naming Secrets Manager's
     *       error type.</li>
     * </ul>
     */
    static final class Manager implements UnaryOperator<String> {
        private static final int ATTEMPTS = 3;
        private static final int CONNECT_TIMEOUT_MS = 2_000;
        private static final int READ_TIMEOUT_MS = 10_000;

        private final Map<String, String> environment;

        Manager(Map<String, String> environment) {
            this.environment = Map.copyOf(environment);
        }

        @Override
        public String apply(String arn) {
            String region = environment.getOrDefault("AWS_REGION", "").strip();
            if (region.isEmpty()) {
                throw new IllegalStateException("AWS_REGION is not set: the Secrets Manager region is unknown");
            }
            URI endpoint = endpoint(environment, region);
            byte[] body = Json.bytes(Json.object().put("SecretId", arn));
            RuntimeException last = null;
            for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
                try {
                    return call(endpoint, region, body, arn);
                } catch (Retryable e) {
                    last = e;
                    pause(attempt);
                }
            }
            throw new StoreUnavailableException("Secrets Manager: " + last.getMessage(), last);
        }

        private String call(URI endpoint, String region, byte[] body, String arn) {
            Map<String, String> headers = SigV4.sign(credentials(), region, "secretsmanager", host(endpoint),
                    Map.of("content-type", "application/x-amz-json-1.1",
                            "x-amz-target", "secretsmanager.GetSecretValue"),
                    body, Instant.now());
            HttpURLConnection connection = null;
            try {
                connection = (HttpURLConnection) endpoint.toURL().openConnection();
                connection.setConnectTimeout(CONNECT_TIMEOUT_MS);
                connection.setReadTimeout(READ_TIMEOUT_MS);
                connection.setRequestMethod("POST");
                connection.setDoOutput(true);
                connection.setFixedLengthStreamingMode(body.length);
                for (Map.Entry<String, String> header : headers.entrySet()) {
                    if (!header.getKey().equals("host")) { // HttpURLConnection sends its own, the same
                        connection.setRequestProperty(header.getKey(), header.getValue());
                    }
                }
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(body);
                }
                int status = connection.getResponseCode();
                InputStream answer = status == 200 ? connection.getInputStream() : connection.getErrorStream();
                ObjectNode json = answer == null ? Json.object() : readAnswer(answer, status);
                if (status == 200) {
                    return LambdaJson.text(json, "SecretString").orElseThrow(() -> new IllegalStateException(
                            "Secrets Manager: the secret " + arn + " holds no text (SecretString)"));
                }
                String type = LambdaJson.text(json, "__type").map(t -> t.substring(t.indexOf('#') + 1))
                        .orElse("HTTP " + status);
                String problem = type + " for " + arn + LambdaJson.text(json, "message")
                        .or(() -> LambdaJson.text(json, "Message")).map(m -> ": " + m).orElse("");
                if (status >= 500 || status == 429 || type.contains("Throttling")) {
                    throw new Retryable(problem, null);
                }
                throw new IllegalStateException("Secrets Manager refused GetSecretValue: " + problem);
            } catch (IOException e) {
                throw new Retryable("cannot reach " + endpoint + " (" + e + ")", e);
            } finally {
                if (connection != null) {
                    connection.disconnect();
                }
            }
        }

        private static ObjectNode readAnswer(InputStream in, int status) {
            try {
                return Json.read(in);
            } catch (IllegalArgumentException e) {
                if (status == 200) {
                    throw new Retryable("the answer to GetSecretValue is not JSON", e);
                }
                return Json.object();
            }
        }

        private SigV4.Credentials credentials() {
            String key = environment.getOrDefault("AWS_ACCESS_KEY_ID", "");
            String secret = environment.getOrDefault("AWS_SECRET_ACCESS_KEY", "");
            if (!key.isBlank() && !secret.isBlank()) {
                return new SigV4.Credentials(key, secret, environment.get("AWS_SESSION_TOKEN"));
            }
            try (DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build()) {
                AwsCredentials resolved = chain.resolveCredentials();
                return new SigV4.Credentials(resolved.accessKeyId(), resolved.secretAccessKey(),
                        resolved instanceof AwsSessionCredentials session ? session.sessionToken() : null);
            }
        }

        private static URI endpoint(Map<String, String> env, String region) {
            for (String name : new String[] {"AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_ENDPOINT_URL"}) {
                String url = env.getOrDefault(name, "").strip();
                if (!url.isEmpty()) {
                    return URI.create(url.endsWith("/") ? url : url + "/");
                }
            }
            String service = "true".equalsIgnoreCase(env.getOrDefault("AWS_USE_FIPS_ENDPOINT", "").strip())
                    ? "secretsmanager-fips" : "secretsmanager";
            String domain = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
            return URI.create("https://" + service + "." + region + "." + domain + "/");
        }

        private static String host(URI endpoint) {
            int port = endpoint.getPort();
            boolean standard = port == -1 || port == ("https".equals(endpoint.getScheme()) ? 443 : 80);
            return standard ? endpoint.getHost() : endpoint.getHost() + ":" + port;
        }

        private static void pause(int attempt) {
            if (attempt < ATTEMPTS) {
                try {
                    Thread.sleep(100L << attempt);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** A failure worth another attempt: throttled, a 5xx, or no answer at all. */
        private static final class Retryable extends RuntimeException {
            Retryable(String message, Throwable cause) {
                super(message, cause);
            }
        }
    }
}
