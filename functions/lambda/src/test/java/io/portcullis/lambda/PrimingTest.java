package io.portcullis.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrimingTest {
    @Test
    void prime_runsALoginAndARouteThroughAThrowawayGateway_withoutAnyEnvironment() {
        int[] statuses = Priming.prime();

        assertThat(statuses[0]).as("login with unknown credentials: the whole Argon2 path ran").isEqualTo(401);
        assertThat(statuses[1]).as("routed call without a token: token check ran").isEqualTo(401);
    }
}
