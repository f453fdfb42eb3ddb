package io.portcullis.infra.dynamodb;

import static io.portcullis.infra.dynamodb.Items.list;
import static io.portcullis.infra.dynamodb.Items.s;

import io.portcullis.core.User;
import io.portcullis.core.net.Cidr;
import io.portcullis.core.port.UserRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/** Users in their table, one item per user, read with strong consistency (a password change counts at once). */
public final class DynamoDbUsers implements UserRegistry {
    private static final String USERNAME = "username";

    private final DynamoDbClient client;
    private final String table;

    public DynamoDbUsers(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
    }

    @Override
    public Optional<User> findUser(String username) {
        Map<String, AttributeValue> item = StoreCalls.call("user lookup", () -> client.getItem(b -> b
                .tableName(table).key(Map.of(USERNAME, s(username))).consistentRead(true)).item());
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(user(item));
    }

    @Override
    public void saveUser(User user) {
        StoreCalls.run("user save", () -> client.putItem(b -> b.tableName(table).item(Map.of(
                USERNAME, s(user.username()),
                "password_hash", s(user.passwordHash()),
                "roles", list(user.roles()),
                "allow", list(user.allow().stream().map(Cidr::toString).toList())))));
    }

    @Override
    public boolean removeUser(String username) {
        Map<String, AttributeValue> old = StoreCalls.call("user removal", () -> client.deleteItem(b -> b
                .tableName(table).key(Map.of(USERNAME, s(username))).returnValues(ReturnValue.ALL_OLD)).attributes());
        return old != null && !old.isEmpty();
    }

    @Override
    public List<User> listUsers() {
        List<User> users = new ArrayList<>();
        StoreCalls.run("user listing", () -> client.scanPaginator(b -> b.tableName(table).consistentRead(true))
                .items().forEach(item -> users.add(user(item))));
        users.sort(Comparator.comparing(User::username));
        return users;
    }

    private static User user(Map<String, AttributeValue> item) {
        return new User(
                Items.string(item, USERNAME).orElseThrow(),
                Items.string(item, "password_hash").orElse(""),
                Items.strings(item, "roles"),
                Items.strings(item, "allow").stream().map(Cidr::parse).toList());
    }
}
