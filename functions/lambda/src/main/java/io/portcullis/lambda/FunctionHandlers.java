package io.portcullis.lambda;

import java.util.Map;

/**
 * The handler strings of the deployment, by function: what Terraform sets as each function's {@code handler}.
 * Terraform's test checks its files against this map, and the runtime-client test starts each from it.
 */
public final class FunctionHandlers {
    public static final String TOKEN = "io.portcullis.lambda.TokenFunction::handleRequest";
    public static final String AUTHORIZER = "io.portcullis.lambda.AuthorizerFunction::handleRequest";
    public static final String FORWARDER = "io.portcullis.lambda.ForwarderFunction::handleRequest";
    /** The authorizer for a REST API (TOKEN or REQUEST) or an HTTP API with payload 1.0; the module uses none. */
    public static final String AUTHORIZER_REST = "io.portcullis.lambda.AuthorizerFunction::handleRestRequest";

    /** Function name (as Terraform names its resources) to handler. */
    public static final Map<String, String> ALL = Map.of("token", TOKEN, "authorizer", AUTHORIZER,
            "forwarder", FORWARDER);

    private FunctionHandlers() {
    }
}
