package io.portcullis.infra.dynamodb;

import io.portcullis.core.Gateway;
import io.portcullis.core.config.GatewayConfig;
import io.portcullis.core.config.GatewayConfig.FailureMode;
import io.portcullis.core.memory.InMemoryRateLimiter;
import io.portcullis.core.port.RateLimiter;
import io.portcullis.infra.aws.AwsJsonService;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Builds the DynamoDB client and the stores on it, from the {@code store} section of the configuration. */
public final class DynamoDbStores {
    /** How often a server refreshes its copy of the revocations in the background. */
    public static final Duration BACKGROUND_REFRESH = Duration.ofMillis(500);

    private DynamoDbStores() {
    }

    /**
     * A client for {@code store.type: dynamodb}, on the shell's HTTP client ({@link DynamoDbJsonClient}): region and
     * endpoint from the config, each call bounded by {@code store.timeout}, retries with backoff on throttling
     * included. With an endpoint override (DynamoDB Local, a proxy) and no AWS credentials in the environment,
     * placeholder credentials are used, which DynamoDB Local accepts.
     */
    public static DynamoDbClient client(GatewayConfig.Store store, SdkHttpClient http) {
        return client(store, http, Optional.empty(), Optional.empty());
    }

    /**
     * As {@link #client(GatewayConfig.Store, SdkHttpClient)}, with what the shell already knows of its AWS
     * environment (a Lambda function: its region and credentials in environment variables): {@code region} when the
     * config names none, and {@code credentials} instead of the SDK's default chains, which look through system
     * properties, profile files and more before they reach the environment.
     */
    public static DynamoDbClient client(GatewayConfig.Store store, SdkHttpClient http, Optional<Region> region,
            Optional<AwsCredentialsProvider> credentials) {
        Optional<URI> endpoint = store.endpoint();
        Region named = store.region().map(Region::of).or(() -> region).orElseGet(() -> endpoint.isPresent()
                ? Region.US_EAST_1 : DefaultAwsRegionProviderChain.builder().build().getRegion());
        AwsCredentialsProvider signing = credentials.orElseGet(() -> endpoint.isEmpty()
                ? DefaultCredentialsProvider.builder().build()
                : AwsCredentialsProviderChain.of(DefaultCredentialsProvider.builder().build(),
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))));
        URI uri = endpoint.orElseGet(() -> AwsJsonService.endpoint("dynamodb", "DYNAMODB", named.id(),
                System.getenv()));
        return new DynamoDbJsonClient(new AwsJsonService(DynamoDbJsonClient.PROTOCOL, http, uri, named.id(),
                signing, store.timeout()));
    }

    /**
     * The gateway's stores on {@code client}, session credentials in the sessions table included (a shell puts
     * another session store in their place when {@code sessions.store} says so). Rate limits are counted in the table when
     * {@code store.shared-rate-limits} is on, else in memory. With {@code background}, revocations are refreshed
     * there (a server); without, on demand by the checks (a Lambda function).
     */
    public static Gateway.Stores create(DynamoDbClient client, GatewayConfig config, Clock clock,
            Optional<ScheduledExecutorService> background) {
        GatewayConfig.Store store = config.store();
        TableNames tables = TableNames.withPrefix(store.tablePrefix());
        DynamoDbRevocations revocations = new DynamoDbRevocations(client, tables.revocations(),
                config.maxTokenLifetime(), store.revocationMaxStaleness(), clock);
        background.ifPresent(scheduler -> revocations.refreshEvery(BACKGROUND_REFRESH, scheduler));
        RateLimiter limiter = store.sharedRateLimits()
                ? new DynamoDbRateLimiter(client, tables.rateLimits(), store.rateLimitLease(),
                        store.rateLimitFailure() == FailureMode.ALLOW, clock)
                : new InMemoryRateLimiter(clock);
        return new Gateway.Stores(new DynamoDbUsers(client, tables.users()), revocations, limiter,
                new DynamoDbSessions(client, tables.sessions(), clock),
                new DynamoDbRefreshTokens(client, tables.refreshTokens()),
                new DynamoDbSigningKeys(client, tables.signingKeys(), clock));
    }
}
