package io.portcullis.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrimingTest {
    @Test
    void prime_runsTheRealPathsAndClients_againstAClosedPort_withoutAnyEnvironment() {
        Priming.Outcome outcome = Priming.prime();

        assertThat(outcome.login()).as("login: Argon2 verify, token minted").isEqualTo(200);
        assertThat(outcome.authorized()).as("the minted token passes the authorizer's check").isEqualTo(200);
        assertThat(outcome.forwarded()).as("the upstream client sent the plan, and the closed port refused it")
                .isEqualTo(502);
        assertThat(outcome.dynamoLogin()).as("the DynamoDB client's GetItem reached the closed port").isEqualTo(503);
        assertThat(outcome.dynamoFailures()).as("Query (revocations) and UpdateItem (rate limit) did too")
                .isEqualTo(2);
        assertThat(outcome.secretsFailed()).as("the Secrets Manager client's GetSecretValue did too").isTrue();
    }
}
