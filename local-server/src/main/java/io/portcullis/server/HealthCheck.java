package io.portcullis.server;

import java.util.Map;

/** One readiness check of {@code /observe/health/ready}: a name, up or down, and details safe to show anyone. */
interface HealthCheck {
    String name();

    Result call();

    /** @param data details, in the order they are shown */
    record Result(boolean up, Map<String, String> data) {
    }
}
