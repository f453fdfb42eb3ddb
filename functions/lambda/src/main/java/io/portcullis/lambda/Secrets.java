package io.portcullis.lambda;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.core.Json;
import io.portcullis.core.StoreUnavailableException;
import io.portcullis.infra.aws.AwsJsonService;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;

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
     * Reads secrets from AWS Secrets Manager, one signed {@code GetSecretValue} call each ({@link AwsJsonService}),
     * not through the SDK's client (see {@link AwsJsonService} for why).
     * <ul>
     *   <li>Region and credentials: the function's environment ({@code AWS_REGION}, {@code AWS_ACCESS_KEY_ID},
     *       {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_SESSION_TOKEN}); where it has no access key (SnapStart's
     *       container credentials), the SDK's default chain.</li>
     *   <li>Endpoint: {@code AWS_ENDPOINT_URL_SECRETS_MANAGER} or {@code AWS_ENDPOINT_URL} when set, else the
     *       region's ({@link AwsJsonService#endpoint}).</li>
     *   <li>A throttled call, a 5xx or an unreachable endpoint is tried three times within {@link #DEADLINE}, then
     *       is a {@link StoreUnavailableException}: the invocation answers 503. Any other refusal (access denied,
     *       no such secret) is an {@link IllegalStateException} naming Secrets Manager's error type.</li>
     * </ul>
     */
    static final class Manager implements UnaryOperator<String> {
        /** One secret's fetch, attempts and pauses included: well inside the 10 s Lambda gives an init. */
        static final Duration DEADLINE = Duration.ofSeconds(5);
        private static final AwsJsonService.Protocol PROTOCOL = new AwsJsonService.Protocol("secretsmanager",
                "secretsmanager", "application/x-amz-json-1.1");

        private final Map<String, String> environment;
        private final Supplier<SdkHttpClient> http;
        private AwsCredentialsProvider credentials;

        /** @param http the HTTP client to send through, asked for on the first fetch */
        Manager(Map<String, String> environment, Supplier<SdkHttpClient> http) {
            this.environment = Map.copyOf(environment);
            this.http = http;
        }

        @Override
        public String apply(String arn) {
            String region = AwsEnvironment.region(environment).map(Region::id).orElseThrow(() ->
                    new IllegalStateException("AWS_REGION is not set: the Secrets Manager region is unknown"));
            AwsJsonService service = new AwsJsonService(PROTOCOL, http.get(),
                    AwsJsonService.endpoint("secretsmanager", "SECRETS_MANAGER", region, environment), region,
                    credentials(), DEADLINE);
            byte[] answer;
            try {
                answer = service.call("GetSecretValue", Json.bytes(Json.object().put("SecretId", arn)));
            } catch (AwsJsonService.Unavailable e) {
                throw new StoreUnavailableException("Secrets Manager: " + e.getMessage(), e);
            } catch (AwsJsonService.Refused e) {
                throw new IllegalStateException("Secrets Manager refused GetSecretValue: " + e.type() + " for " + arn
                        + (e.detail().isEmpty() ? "" : ": " + e.detail()), e);
            }
            ObjectNode json;
            try {
                json = Json.tree(answer);
            } catch (IllegalArgumentException e) {
                throw new StoreUnavailableException("Secrets Manager: the answer to GetSecretValue is not JSON", e);
            }
            return LambdaJson.text(json, "SecretString").orElseThrow(() -> new IllegalStateException(
                    "Secrets Manager: the secret " + arn + " holds no text (SecretString)"));
        }

        /** The environment's access key; without one (SnapStart), the SDK's default chain, made once. */
        private synchronized AwsCredentialsProvider credentials() {
            if (credentials == null) {
                credentials = AwsEnvironment.credentials(environment)
                        .orElseGet(() -> DefaultCredentialsProvider.builder().build());
            }
            return credentials;
        }
    }
}
