package io.portcullis.lambda;

import java.util.function.Supplier;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The one HTTP client an execution environment's AWS calls (DynamoDB, Secrets Manager) go through: the SDK's
 * lightest, made on first use and kept. Init makes it on its second thread, first thing: its TLS set-up is most of
 * its cost, and whoever asks meanwhile waits for that one rather than making another. A failed attempt is not kept.
 */
final class AwsHttpClient implements Supplier<SdkHttpClient> {
    private SdkHttpClient client;

    @Override
    public synchronized SdkHttpClient get() {
        if (client == null) {
            client = UrlConnectionHttpClient.create();
        }
        return client;
    }
}
