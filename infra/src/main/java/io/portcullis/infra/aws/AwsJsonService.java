package io.portcullis.infra.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.core.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;

/**
 * Calls to one AWS service that speaks the JSON protocol (DynamoDB, Secrets Manager): a {@link SigV4}-signed POST
 * of a JSON body, the operation in {@code X-Amz-Target}, over the shell's SDK HTTP client.
 *
 * <p>Why not the SDK's service clients: on a cold Lambda function, building one and making its first call cost
 * 0.5–0.9 s of CPU (its interceptors, endpoint rules, marshallers and retry machinery load first); this costs a
 * tenth of that, and the gateway calls five operations of one service and one of another.
 *
 * <p>As the SDK's standard retries do: throttling, a 5xx, no answer, or an answer whose {@code x-amz-crc32} does
 * not match its body is tried again with full-jitter backoff (100 ms base, 500 ms when throttled), three attempts
 * in all; each attempt is aborted after half the call's deadline, and no attempt starts or pause ends past it.
 */
public final class AwsJsonService {
    private static final int ATTEMPTS = 3;
    private static final long BASE_DELAY_MS = 100;
    private static final long THROTTLED_BASE_DELAY_MS = 500;
    private static final Set<String> THROTTLING = Set.of("Throttling", "ThrottlingException", "ThrottledException",
            "RequestThrottledException", "TooManyRequestsException", "ProvisionedThroughputExceededException",
            "RequestLimitExceeded", "TransactionInProgressException", "RequestThrottled", "SlowDown",
            "PriorRequestNotComplete", "LimitExceededException");

    /** How a service is addressed: its signing name, its target prefix and its JSON content type. */
    public record Protocol(String signingName, String targetPrefix, String contentType) {
    }

    private final Protocol protocol;
    private final SdkHttpClient http;
    private final URI endpoint;
    private final String host;
    private final String region;
    private final IdentityProvider<? extends AwsCredentialsIdentity> credentials;
    private final Duration deadline;

    /**
     * @param endpoint the service's root, e.g. {@code https://dynamodb.eu-west-1.amazonaws.com/}
     * @param credentials where signing credentials come from (the SDK's providers cache them)
     * @param deadline how long one call may take, retries and pauses included
     */
    public AwsJsonService(Protocol protocol, SdkHttpClient http, URI endpoint, String region,
            IdentityProvider<? extends AwsCredentialsIdentity> credentials, Duration deadline) {
        this.protocol = protocol;
        this.http = http;
        this.endpoint = endpoint.getPath().isEmpty() ? endpoint.resolve("/") : endpoint;
        this.host = host(endpoint);
        this.region = region;
        this.credentials = credentials;
        this.deadline = deadline;
    }

    /**
     * The endpoint of {@code service} in {@code region}, as the SDK resolves it: {@code AWS_ENDPOINT_URL_<SERVICE>}
     * or {@code AWS_ENDPOINT_URL} from {@code env} when set; else the region's, FIPS with
     * {@code AWS_USE_FIPS_ENDPOINT=true}, dual-stack ({@code api.aws}) with {@code AWS_USE_DUALSTACK_ENDPOINT=true},
     * {@code amazonaws.com.cn} in China.
     *
     * @param envName the service's part of the variable's name, e.g. {@code DYNAMODB}, {@code SECRETS_MANAGER}
     */
    public static URI endpoint(String service, String envName, String region, Map<String, String> env) {
        for (String name : new String[] {"AWS_ENDPOINT_URL_" + envName, "AWS_ENDPOINT_URL"}) {
            String url = env.getOrDefault(name, "").strip();
            if (!url.isEmpty()) {
                return URI.create(url.endsWith("/") ? url : url + "/");
            }
        }
        boolean fips = "true".equalsIgnoreCase(env.getOrDefault("AWS_USE_FIPS_ENDPOINT", "").strip());
        boolean dualStack = "true".equalsIgnoreCase(env.getOrDefault("AWS_USE_DUALSTACK_ENDPOINT", "").strip());
        boolean china = region.startsWith("cn-");
        String domain = dualStack ? (china ? "api.amazonwebservices.com.cn" : "api.aws")
                : china ? "amazonaws.com.cn" : "amazonaws.com";
        return URI.create("https://" + service + (fips ? "-fips." : ".") + region + "." + domain + "/");
    }

    /**
     * Calls {@code operation} with {@code body} (JSON) and returns the body of its 200 answer.
     *
     * @throws Refused when the service answers with an error not worth another attempt
     * @throws Unavailable when no attempt got an answer, or the last was throttled or a 5xx
     */
    public byte[] call(String operation, byte[] body) {
        long until = System.nanoTime() + deadline.toNanos();
        String problem = null;
        Throwable cause = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            boolean throttled = false;
            SigV4.Credentials signing = credentials(); // a provider that cannot give any fails the call as it is
            try {
                return attempt(operation, body, signing, Duration.ofNanos(Math.min(deadline.toNanos() / 2,
                        Math.max(1, until - System.nanoTime()))));
            } catch (Refused refused) {
                throttled = THROTTLING.contains(refused.type()) || refused.status() == 429;
                if (!throttled && refused.status() < 500) {
                    throw refused;
                }
                problem = refused.getMessage();
                cause = refused;
            } catch (IOException | RuntimeException e) {
                problem = "no answer from " + endpoint + " (" + e + ")";
                cause = e;
            }
            if (attempt == ATTEMPTS || !pause(attempt, throttled, until)) {
                break;
            }
        }
        throw new Unavailable(protocol.targetPrefix() + "." + operation + ": " + problem, cause);
    }

    private byte[] attempt(String operation, byte[] body, SigV4.Credentials credentials, Duration timeout)
            throws IOException {
        Map<String, String> signed = SigV4.sign(credentials, region, protocol.signingName(), host,
                Map.of("content-type", protocol.contentType(),
                        "x-amz-target", protocol.targetPrefix() + "." + operation),
                body, Instant.now());
        SdkHttpFullRequest.Builder request = SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).uri(endpoint)
                .putHeader("Content-Length", Integer.toString(body.length));
        signed.forEach((name, value) -> {
            if (!name.equals("host")) { // the HTTP client sends its own, the same
                request.putHeader(name, value);
            }
        });
        ExecutableHttpRequest exchange = http.prepareRequest(HttpExecuteRequest.builder().request(request.build())
                .contentStreamProvider(() -> new ByteArrayInputStream(body)).build());
        ScheduledFuture<?> abort = Timer.SCHEDULER.schedule(exchange::abort, timeout.toNanos(), TimeUnit.NANOSECONDS);
        try {
            HttpExecuteResponse response = exchange.call();
            byte[] answer = read(response.responseBody());
            int status = response.httpResponse().statusCode();
            Optional<String> crc = response.httpResponse().firstMatchingHeader("x-amz-crc32");
            if (crc.isPresent() && !crc.get().equals(Long.toString(crc32(answer)))) {
                throw new IOException("the answer's body does not match its x-amz-crc32 header");
            }
            if (status != 200) {
                throw Refused.of(status, answer);
            }
            return answer;
        } finally {
            abort.cancel(false);
        }
    }

    private SigV4.Credentials credentials() {
        AwsCredentialsIdentity identity = credentials.resolveIdentity().join();
        return new SigV4.Credentials(identity.accessKeyId(), identity.secretAccessKey(),
                identity instanceof AwsSessionCredentialsIdentity session ? session.sessionToken() : null);
    }

    private static byte[] read(Optional<AbortableInputStream> body) throws IOException {
        if (body.isEmpty()) {
            return new byte[0];
        }
        try (InputStream in = body.get()) {
            return in.readAllBytes();
        }
    }

    private static long crc32(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }

    /** Full jitter, capped by the deadline: false when the pause would end past it. */
    private static boolean pause(int attempt, boolean throttled, long until) {
        long ceiling = (throttled ? THROTTLED_BASE_DELAY_MS : BASE_DELAY_MS) << (attempt - 1);
        long millis = ThreadLocalRandom.current().nextLong(ceiling + 1);
        if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis) >= until) {
            return false;
        }
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String host(URI endpoint) {
        int port = endpoint.getPort();
        boolean standard = port == -1 || port == ("https".equals(endpoint.getScheme()) ? 443 : 80);
        return standard ? endpoint.getHost() : endpoint.getHost() + ":" + port;
    }

    /** The timer that aborts attempts past their time: one daemon thread, made on the first call. */
    private static final class Timer {
        static final ScheduledExecutorService SCHEDULER;

        static {
            ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
                    Thread.ofPlatform().daemon().name("portcullis-aws-timeouts").factory());
            scheduler.setRemoveOnCancelPolicy(true);
            SCHEDULER = scheduler;
        }
    }

    /**
     * The service's error answer: HTTP status, error type (the part of {@code __type} after {@code #}), message,
     * and the whole body (some errors carry data, e.g. DynamoDB's failed condition the item it checked).
     */
    public static final class Refused extends RuntimeException {
        private final int status;
        private final String type;
        private final String detail;
        private final byte[] body;

        private Refused(int status, String type, String detail, byte[] body) {
            super(type + (detail.isEmpty() ? "" : ": " + detail) + " (HTTP " + status + ")");
            this.status = status;
            this.type = type;
            this.detail = detail;
            this.body = body;
        }

        static Refused of(int status, byte[] body) {
            ErrorBody error = ErrorBody.read(body);
            return new Refused(status, error.type().isEmpty() ? "HTTP " + status : error.type(), error.message(),
                    body);
        }

        public int status() {
            return status;
        }

        public String type() {
            return type;
        }

        /** The service's message, empty when it gave none. */
        public String detail() {
            return detail;
        }

        public byte[] body() {
            return body.clone();
        }
    }

    /** What an error answer says; a body that is not JSON says nothing. */
    private record ErrorBody(String type, String message) {
        static ErrorBody read(byte[] body) {
            try {
                JsonNode json = Json.tree(body);
                String type = json.path("__type").asText("");
                String message = json.path("message").asText(json.path("Message").asText(""));
                return new ErrorBody(type.substring(type.indexOf('#') + 1), message);
            } catch (IllegalArgumentException notJson) {
                return new ErrorBody("", "");
            }
        }
    }

    /** No answer worth having within the deadline: the service is unreachable, throttling, or failing. */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
