package io.portcullis.lambda;

import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The region and credentials Lambda gives a function in its environment, handed to the AWS clients directly. The
 * SDK's default chains would find the same values, but only after building providers that look through system
 * properties, profile files and instance metadata: classes loaded and files read at every cold start.
 *
 * <p>Where the environment has no access key (a SnapStart function gets its credentials from a container endpoint,
 * {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}, instead) the clients keep the SDK's default chain.
 */
final class AwsEnvironment {
    private AwsEnvironment() {
    }

    /** {@code AWS_REGION}, which Lambda always sets. */
    static Optional<Region> region(Map<String, String> env) {
        return Optional.ofNullable(env.get("AWS_REGION")).map(String::strip).filter(name -> !name.isEmpty())
                .map(Region::of);
    }

    /**
     * The credentials in {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY} and {@code AWS_SESSION_TOKEN} of
     * {@code env}: fixed for the process, as a process's environment is.
     */
    static Optional<AwsCredentialsProvider> credentials(Map<String, String> env) {
        String key = env.getOrDefault("AWS_ACCESS_KEY_ID", "").strip();
        String secret = env.getOrDefault("AWS_SECRET_ACCESS_KEY", "").strip();
        String session = env.getOrDefault("AWS_SESSION_TOKEN", "").strip();
        if (key.isEmpty() || secret.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(StaticCredentialsProvider.create(session.isEmpty() ? AwsBasicCredentials.create(key, secret)
                : AwsSessionCredentials.create(key, secret, session)));
    }
}
