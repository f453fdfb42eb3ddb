package io.portcullis.server.cli;

import io.portcullis.core.config.GatewayConfig;
import io.portcullis.core.port.RevocationStore;
import io.portcullis.core.port.UserRegistry;
import io.portcullis.server.ServerStores;
import java.time.Clock;
import java.util.List;

/**
 * The store a config names, opened as the server opens it (tables created if missing) but without writing the
 * config's users into it: the CLI changes only what it is asked to. The embedded store is locked while open, so
 * it cannot be changed under a running server; DynamoDB is shared, and running servers see a change at once
 * (users) or within a second (revocations).
 */
final class ConfiguredStore implements AutoCloseable {
    private final ServerStores stores;
    private final String description;

    private ConfiguredStore(ServerStores stores, String description) {
        this.stores = stores;
        this.description = description;
    }

    static ConfiguredStore open(GatewayConfig config, Clock clock) {
        GatewayConfig.Store store = config.store();
        String description = switch (store.type()) {
            case MEMORY -> throw new CommandFailure("store.type is memory: it lives in the server's process and "
                    + "keeps nothing, so there is no store to change (use embedded or dynamodb)");
            case EMBEDDED -> "the embedded store in " + store.dataDir().toAbsolutePath();
            case DYNAMODB -> "DynamoDB (" + store.endpoint().map(Object::toString).orElse("tables")
                    + " " + store.tablePrefix() + "*)";
        };
        return new ConfiguredStore(ServerStores.open(config, List.of(), clock), description);
    }

    UserRegistry users() {
        return stores.stores().users();
    }

    RevocationStore revocations() {
        return stores.stores().revocations();
    }

    /** Where the changes went, for the confirmation message. */
    String description() {
        return description;
    }

    @Override
    public void close() {
        stores.close();
    }
}
