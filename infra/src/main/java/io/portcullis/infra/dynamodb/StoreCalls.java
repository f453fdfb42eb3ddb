package io.portcullis.infra.dynamodb;

import io.portcullis.core.StoreUnavailableException;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The one place where SDK failures become the core's {@link StoreUnavailableException}: throttling and timeouts
 * have already been retried with backoff by the client, inside its call deadline. No SDK exception leaves an
 * adapter.
 */
final class StoreCalls {
    private StoreCalls() {
    }

    static <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            throw new StoreUnavailableException("DynamoDB " + what + " failed: " + e.getMessage(), e);
        }
    }

    static void run(String what, Runnable call) {
        call(what, () -> {
            call.run();
            return null;
        });
    }
}
