package io.portcullis.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretsTest {
    @Test
    void resolve_putsEachSecretUnderItsNameWithoutArn_andKeepsTheRest() {
        Map<String, String> env = Map.of(
                "PORTCULLIS_TOKEN_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:1:secret:token",
                "PORTCULLIS_OLD_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:1:secret:old",
                "AWS_REGION", "us-east-1");

        Map<String, String> resolved = Secrets.resolve(env, arn -> "value-of-" + arn.substring(arn.lastIndexOf(':') + 1));

        assertThat(resolved).containsEntry("PORTCULLIS_TOKEN_SECRET", "value-of-token")
                .containsEntry("PORTCULLIS_OLD_SECRET", "value-of-old")
                .containsEntry("AWS_REGION", "us-east-1")
                .containsEntry("PORTCULLIS_TOKEN_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:1:secret:token");
    }

    @Test
    void resolve_noSecretArns_changesNothing() {
        assertThat(Secrets.resolve(Map.of("A", "b"), arn -> { throw new AssertionError("no fetch expected"); }))
                .containsExactly(Map.entry("A", "b"));
    }
}
