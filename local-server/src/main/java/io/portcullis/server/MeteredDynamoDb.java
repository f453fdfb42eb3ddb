package io.portcullis.server;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbRequest;

/**
 * A {@link DynamoDbClient} that times every call and counts the failed ones, by operation. A proxy on the
 * interface rather than an SDK interceptor, because the embedded store's client (DynamoDB Local in-process) does
 * not run the SDK's pipeline: this way both store types are measured alike, the background revocation refresh
 * included.
 *
 * <p>Operations are the interface's methods taking one request object; the builder-lambda overloads, paginators
 * and waiters are the interface's own default methods, run on this proxy so that the calls they make are the
 * measured ones (a paginator's pages are fetched lazily, after its method has returned).
 */
final class MeteredDynamoDb implements InvocationHandler {
    private final DynamoDbClient target;
    private final GatewayMetrics metrics;

    private MeteredDynamoDb(DynamoDbClient target, GatewayMetrics metrics) {
        this.target = target;
        this.metrics = metrics;
    }

    static DynamoDbClient wrap(DynamoDbClient target, GatewayMetrics metrics) {
        return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
                new Class<?>[] {DynamoDbClient.class}, new MeteredDynamoDb(target, metrics));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.isDefault() && delegatesWithinInterface(method)) {
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        if (!isOperation(method)) {
            return call(method, args);
        }
        long started = System.nanoTime();
        boolean failed = false;
        try {
            return call(method, args);
        } catch (ConditionalCheckFailedException e) {
            throw e; // a refused condition is an answer (a limit reached, a code spent), not a store failure
        } catch (RuntimeException | Error e) {
            failed = true;
            throw e;
        } finally {
            metrics.storeCall(method.getName(), Duration.ofNanos(System.nanoTime() - started), failed);
        }
    }

    private Object call(Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static boolean isOperation(Method method) {
        return method.getParameterCount() == 1 && DynamoDbRequest.class.isAssignableFrom(method.getParameterTypes()[0]);
    }

    /** Default methods that only build a request or an iterator and call an operation on {@code this}. */
    private static boolean delegatesWithinInterface(Method method) {
        return method.getName().endsWith("Paginator")
                || method.getParameterCount() == 1 && method.getParameterTypes()[0] == Consumer.class;
    }
}
