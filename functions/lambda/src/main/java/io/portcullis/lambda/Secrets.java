package io.portcullis.lambda;

import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;

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
     * Reads secrets from AWS Secrets Manager (region and credentials from the function's environment, see
     * {@link AwsEnvironment}; an endpoint from {@code AWS_ENDPOINT_URL_SECRETS_MANAGER} if set), all through one
     * client, built on the first read.
     */
    static final class Manager implements UnaryOperator<String>, AutoCloseable {
        private final Map<String, String> environment;
        private SecretsManagerClient client;

        Manager(Map<String, String> environment) {
            this.environment = Map.copyOf(environment);
        }

        @Override
        public synchronized String apply(String arn) {
            if (client == null) {
                SecretsManagerClientBuilder builder = SecretsManagerClient.builder()
                        .httpClient(UrlConnectionHttpClient.create());
                AwsEnvironment.region(environment).ifPresent(builder::region);
                AwsEnvironment.credentials(environment).ifPresent(builder::credentialsProvider);
                client = builder.build();
            }
            return client.getSecretValue(b -> b.secretId(arn)).secretString();
        }

        /** Closes the client, if one was built; the next read builds another. */
        @Override
        public synchronized void close() {
            if (client != null) {
                client.close();
                client = null;
            }
        }
    }
}
