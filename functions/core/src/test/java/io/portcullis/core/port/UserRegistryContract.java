package io.portcullis.core.port;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.core.User;
import io.portcullis.core.net.Cidr;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link UserRegistry} must do. Subclass it per adapter. */
public abstract class UserRegistryContract {
    protected static final String HASH = "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA";

    /** An empty registry. */
    protected abstract UserRegistry registry();

    @Test
    void findUser_unknown_isEmpty() {
        assertThat(registry().findUser("nobody-" + UUID.randomUUID())).isEmpty();
    }

    @Test
    void saveUser_thenFind_returnsEveryField() {
        UserRegistry registry = registry();
        User alice = new User(name(), HASH, List.of("admin", "ops"), List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("::1")));

        registry.saveUser(alice);

        User found = registry.findUser(alice.username()).orElseThrow();
        assertThat(found.username()).isEqualTo(alice.username());
        assertThat(found.passwordHash()).isEqualTo(HASH);
        assertThat(found.roles()).containsExactly("admin", "ops");
        assertThat(found.allow()).extracting(Cidr::toString).containsExactly("10.0.0.0/8", "::1");
    }

    @Test
    void saveUser_sameName_replaces() {
        UserRegistry registry = registry();
        String name = name();
        registry.saveUser(new User(name, HASH, List.of("a"), List.of()));

        registry.saveUser(new User(name, HASH, List.of("b"), List.of()));

        assertThat(registry.findUser(name).orElseThrow().roles()).containsExactly("b");
    }

    @Test
    void removeUser_removesAndSaysSo() {
        UserRegistry registry = registry();
        String name = name();
        registry.saveUser(new User(name, HASH, List.of(), List.of()));

        assertThat(registry.removeUser(name)).isTrue();
        assertThat(registry.removeUser(name)).isFalse();
        assertThat(registry.findUser(name)).isEmpty();
    }

    @Test
    void listUsers_isOrderedByName() {
        UserRegistry registry = registry();
        String prefix = "list-" + UUID.randomUUID() + "-";
        registry.saveUser(new User(prefix + "b", HASH, List.of(), List.of()));
        registry.saveUser(new User(prefix + "a", HASH, List.of(), List.of()));

        assertThat(registry.listUsers()).extracting(User::username).filteredOn(n -> n.startsWith(prefix))
                .containsExactly(prefix + "a", prefix + "b");
    }

    private static String name() {
        return "user-" + UUID.randomUUID();
    }
}
