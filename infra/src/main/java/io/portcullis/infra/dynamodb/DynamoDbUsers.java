package io.portcullis.infra.dynamodb;

import static io.portcullis.infra.dynamodb.Items.list;
import static io.portcullis.infra.dynamodb.Items.n;
import static io.portcullis.infra.dynamodb.Items.s;

import io.portcullis.core.User;
import io.portcullis.core.net.Cidr;
import io.portcullis.core.port.UserRegistry;
import io.portcullis.core.totp.TotpSecrets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Users in their table, one item per user, read with strong consistency (a password change counts at once). A
 * user is saved with an update of its own attributes, so {@code totp_step}, the last TOTP step spent, outlives
 * every save; spending a step, and each step of a user's own TOTP enrolment, is one conditional update of the TOTP
 * attributes alone.
 */
public final class DynamoDbUsers implements UserRegistry {
    private static final String USERNAME = "username";
    private static final String TOTP_SECRET = "totp_secret";
    private static final String TOTP_PENDING = "totp_pending";
    private static final String TOTP_STEP = "totp_step";

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
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":hash", s(user.passwordHash()),
                ":roles", list(user.roles()),
                ":allow", list(user.allow().stream().map(Cidr::toString).toList())));
        List<String> set = new ArrayList<>(List.of("password_hash = :hash", "#roles = :roles", "#allow = :allow"));
        List<String> remove = new ArrayList<>();
        optional(user.totp().confirmed(), TOTP_SECRET, ":secret", values, set, remove);
        optional(user.totp().pending(), TOTP_PENDING, ":pending", values, set, remove);
        String update = "SET " + String.join(", ", set) + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
        StoreCalls.run("user save", () -> client.updateItem(b -> b.tableName(table)
                .key(Map.of(USERNAME, s(user.username())))
                .updateExpression(update)
                // "roles" is not reserved, "allow" neither; named anyway so a future reserved word cannot bite.
                .expressionAttributeNames(Map.of("#roles", "roles", "#allow", "allow"))
                .expressionAttributeValues(values)));
    }

    private static void optional(Optional<String> value, String attribute, String placeholder,
            Map<String, AttributeValue> values, List<String> set, List<String> remove) {
        if (value.isPresent()) {
            values.put(placeholder, s(value.get()));
            set.add(attribute + " = " + placeholder);
        } else {
            remove.add(attribute);
        }
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

    @Override
    public boolean useTotpStep(String username, long step) {
        return StoreCalls.call("TOTP step use", () -> {
            try {
                client.updateItem(b -> b.tableName(table)
                        .key(Map.of(USERNAME, s(username)))
                        .updateExpression("SET " + TOTP_STEP + " = :step")
                        .conditionExpression("attribute_exists(" + USERNAME + ") AND (attribute_not_exists("
                                + TOTP_STEP + ") OR " + TOTP_STEP + " < :step)")
                        .expressionAttributeValues(Map.of(":step", n(step))));
                return true;
            } catch (ConditionalCheckFailedException spentOrNoSuchUser) {
                return false;
            }
        });
    }

    @Override
    public boolean startTotpEnrolment(String username, Optional<String> confirmed, String pending) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":pending", s(pending)));
        String unchanged = confirmed.map(secret -> {
            values.put(":secret", s(secret));
            return TOTP_SECRET + " = :secret";
        }).orElse("attribute_not_exists(" + TOTP_SECRET + ")");
        return conditionalUpdate("TOTP enrolment", username, "SET " + TOTP_PENDING + " = :pending",
                "attribute_exists(" + USERNAME + ") AND " + unchanged, values);
    }

    @Override
    public boolean confirmTotpEnrolment(String username, String pending) {
        return conditionalUpdate("TOTP confirmation", username, "SET " + TOTP_SECRET + " = :pending REMOVE "
                + TOTP_PENDING, TOTP_PENDING + " = :pending", Map.of(":pending", s(pending)));
    }

    /** One update of {@code username}'s item under {@code condition}; false when the condition does not hold. */
    private boolean conditionalUpdate(String what, String username, String update, String condition,
            Map<String, AttributeValue> values) {
        return StoreCalls.call(what, () -> {
            try {
                client.updateItem(b -> b.tableName(table)
                        .key(Map.of(USERNAME, s(username)))
                        .updateExpression(update)
                        .conditionExpression(condition)
                        .expressionAttributeValues(values));
                return true;
            } catch (ConditionalCheckFailedException changedMeanwhile) {
                return false;
            }
        });
    }

    private static User user(Map<String, AttributeValue> item) {
        return new User(
                Items.string(item, USERNAME).orElseThrow(),
                Items.string(item, "password_hash").orElse(""),
                Items.strings(item, "roles"),
                Items.strings(item, "allow").stream().map(Cidr::parse).toList(),
                new TotpSecrets(Items.string(item, TOTP_SECRET), Items.string(item, TOTP_PENDING)));
    }
}
