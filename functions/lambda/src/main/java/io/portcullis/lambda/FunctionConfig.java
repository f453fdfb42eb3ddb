package io.portcullis.lambda;

import io.portcullis.core.config.ConfigException;
import io.portcullis.core.config.ConfigLoader;
import io.portcullis.core.config.GatewayConfig;
import io.portcullis.core.config.GatewayConfig.StoreType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A function's configuration as its environment gives it, read and checked during init, so that a configuration the
 * function cannot run with fails the init (and, with SnapStart, the version publish) instead of every request.
 *
 * <ul>
 *   <li>{@value #YAML}: the YAML itself (what a server's config file holds); or</li>
 *   <li>{@value #YAML_ARN}: the ARN of a Secrets Manager secret holding it, for a configuration larger than
 *       Lambda's 4 KB of environment; read once per execution environment, at init.</li>
 *   <li>{@value #TIMEOUT}: the function's timeout in seconds (Lambda does not tell a function its own); the
 *       backend's connect and read timeouts together must stay below it, or a slow backend would end in Lambda's
 *       timeout instead of the gateway's 504.</li>
 * </ul>
 * The check loads the YAML with every {@code *_SECRET_ARN} variable standing for a placeholder value
 * ({@link Secrets#placeholders}): a SnapStart snapshot must hold no secret, and the values are fetched only when
 * the gateway is built.
 */
final class FunctionConfig {
    static final String YAML = "PORTCULLIS_CONFIG_YAML";
    static final String YAML_ARN = "PORTCULLIS_CONFIG_ARN";
    static final String TIMEOUT = "PORTCULLIS_FUNCTION_TIMEOUT_SECONDS";

    private final String yaml;

    private FunctionConfig(String yaml) {
        this.yaml = yaml;
    }

    /**
     * The configuration {@code env} names, checked with placeholder secrets.
     *
     * @param fetch reads a Secrets Manager secret by ARN (only for {@value #YAML_ARN})
     * @throws ConfigException naming what is wrong
     */
    static FunctionConfig read(Map<String, String> env, UnaryOperator<String> fetch) {
        FunctionConfig config = new FunctionConfig(yaml(env, fetch));
        config.load(Secrets.placeholders(env));
        return config;
    }

    private static String yaml(Map<String, String> env, UnaryOperator<String> fetch) {
        String inline = env.get(YAML);
        String arn = env.get(YAML_ARN);
        if (inline != null && !inline.isBlank() && arn != null && !arn.isBlank()) {
            throw new ConfigException(YAML + " and " + YAML_ARN + ": set one, not both");
        }
        if (arn != null && !arn.isBlank()) {
            String fetched = fetch.apply(arn);
            if (fetched == null || fetched.isBlank()) {
                throw new ConfigException(YAML_ARN + ": the secret " + arn + " holds no configuration");
            }
            return fetched;
        }
        if (inline == null || inline.isBlank()) {
            throw new ConfigException(YAML + ": the function's configuration is not set (or " + YAML_ARN + ")");
        }
        return inline;
    }

    /**
     * The gateway's configuration with {@code env} as the environment, and the checks only a function needs.
     *
     * @throws ConfigException naming every problem
     */
    GatewayConfig load(Map<String, String> env) {
        GatewayConfig config = ConfigLoader.fromYaml(yaml, env);
        List<String> problems = new ArrayList<>();
        StoreType store = config.store().type();
        if (store != StoreType.DYNAMODB && store != StoreType.MEMORY) {
            problems.add("store.type: a function needs dynamodb (or memory, for trials), not "
                    + store.name().toLowerCase(Locale.ROOT));
        }
        config.users().stream().filter(user -> !user.hashed()).forEach(user -> problems.add("users: "
                + user.username() + "'s password must be an Argon2 hash in a function's configuration (there is "
                + "no file to rewrite)"));
        timeout(env).ifPresent(timeout -> {
            Duration upstream = config.upstream().connectTimeout().plus(config.upstream().readTimeout());
            if (upstream.compareTo(timeout) >= 0) {
                problems.add("upstream.read-timeout: with upstream.connect-timeout it makes " + upstream.toMillis()
                        + " ms, which must be less than the function's timeout (" + timeout.toSeconds() + " s), "
                        + "or a slow backend ends in Lambda's timeout instead of the gateway's 504");
            }
        });
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    private static java.util.Optional<Duration> timeout(Map<String, String> env) {
        String value = env.get(TIMEOUT);
        if (value == null || value.isBlank()) {
            return java.util.Optional.empty();
        }
        try {
            long seconds = Long.parseLong(value.strip());
            if (seconds < 1) {
                throw new NumberFormatException();
            }
            return java.util.Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException e) {
            throw new ConfigException(TIMEOUT + ": '" + value + "' is not a whole number of seconds");
        }
    }
}
