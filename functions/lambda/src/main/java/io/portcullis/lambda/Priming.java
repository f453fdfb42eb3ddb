package io.portcullis.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.portcullis.core.Gateway;
import io.portcullis.core.config.ConfigLoader;
import io.portcullis.core.config.GatewayConfig;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart priming: before the snapshot is taken, one request runs through a throwaway gateway (in memory, with
 * a fixed key used for nothing else), so the snapshot holds loaded and initialised classes for event mapping,
 * config, tokens, Argon2 and the handlers. Nothing from it is kept: the real gateway, its key and its random
 * state are made after restore, on the first invocation.
 */
final class Priming implements Resource {
    private static final AtomicBoolean REGISTERED = new AtomicBoolean();
    private static final Priming INSTANCE = new Priming();
    /** Not a secret: a key that only ever seals priming tokens in a discarded gateway. */
    private static final String YAML = """
            tokens: { keys: [ { id: priming, secret: "priming-only-not-a-secret-0123456789-abcdefghijklmnop" } ] }
            passwords: { argon2: { memory-kib: 64, iterations: 1, parallelism: 1 }, threads: 1 }
            store: { type: memory }
            routes: [ { prefix: /, target: "http://127.0.0.1:9" } ]
            """;

    private Priming() {
    }

    static void register() {
        if (REGISTERED.compareAndSet(false, true)) {
            Core.getGlobalContext().register(INSTANCE);
        }
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to rebuild: no connection, key or random state was made before the snapshot.
    }

    /** Runs the priming request; returns the statuses of the login and of the forwarded call, for its test. */
    static int[] prime() {
        GatewayConfig config = ConfigLoader.fromYaml(YAML, Map.of());
        Clock clock = Clock.systemUTC();
        try (Gateway gateway = Gateway.create(config, Gateway.Stores.inMemory(List.of(), clock), clock)) {
            APIGatewayV2HTTPEvent login = APIGatewayV2HTTPEvent.builder()
                    .withRawPath("/auth")
                    .withHeaders(Map.of("content-type", "application/json"))
                    .withBody("{\"username\":\"priming\",\"password\":\"priming\"}")
                    .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                            .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                    .withMethod("POST").withSourceIp("127.0.0.1").build())
                            .build())
                    .build();
            int loginStatus = HttpApiExchange.response(gateway.ownEndpoint(HttpApiExchange.request(login))
                    .orElseThrow().toResponse()).getStatusCode();
            int forwardStatus = switch (gateway.forward().forward(HttpApiExchange.request(login))) {
                case io.portcullis.core.Rejection rejection -> rejection.status();
                case io.portcullis.core.ForwardingPlan plan -> 200;
            };
            return new int[] {loginStatus, forwardStatus};
        }
    }
}
