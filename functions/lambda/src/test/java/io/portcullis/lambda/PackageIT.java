package io.portcullis.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.OctetKeyPair;
import io.portcullis.core.jwt.JwtMint;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment package keeps what the gateway needs of the jars it narrows (Bouncy Castle without its provider and
 * post-quantum code, bcpkix and Tink cut to what is reachable): {@link PackageProbe} runs on the package's class
 * path alone and reads PEM TLS material and verifies an Ed25519 JWT. The tokens themselves (XChaCha20-Poly1305,
 * HKDF) are exercised by {@link RuntimeClientIT}.
 */
class PackageIT {
    @TempDir
    Path dir;

    @Test
    void theNarrowedPackage_readsPemTlsMaterial_andVerifiesAnEd25519Jwt() throws Exception {
        Path pkg = RuntimeClientIT.unzip(Path.of("target", "portcullis-lambda.zip"), dir.resolve("package"));
        assertThat(Files.size(Path.of("target", "portcullis-lambda.zip"))).as("the package fits in 20 MB")
                .isLessThanOrEqualTo(20L * 1024 * 1024);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair pair = generator.generateKeyPair();
        X500Name name = new X500Name("CN=portcullis-client");
        var certificate = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, Date.from(Instant.now().minusSeconds(60)),
                Date.from(Instant.now().plusSeconds(3600)), name, pair.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
        Files.writeString(dir.resolve("client.pem"), pem(certificate));
        // PKCS#8 (BEGIN PRIVATE KEY), what openssl genpkey writes.
        Files.writeString(dir.resolve("client-key.pem"),
                pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(pair.getPrivate(), null)));
        OctetKeyPair ed25519 = JwtMint.ed25519("ed");
        String jwt = JwtMint.sign(ed25519, JwtMint.claims("alice", Instant.now()).build());
        Path yaml = dir.resolve("config.yaml");
        Files.writeString(yaml, """
                tokens: { keys: [ { id: k1, secret: "%s" } ] }
                store: { type: memory }
                jwt: { keys: [ { kid: ed, algorithm: EdDSA, public-key: "%s" } ] }
                routes:
                  - { prefix: /jwt, target: "http://127.0.0.1:9", token: jwt }
                  - prefix: /tls
                    target: "https://127.0.0.1:9"
                    tls: { client-cert: "%s", client-key: "%s" }
                """.formatted(io.portcullis.core.Fixtures.SECRET, JwtMint.pemYaml(ed25519), dir.resolve("client.pem"),
                dir.resolve("client-key.pem")));

        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classpath(pkg), PackageProbe.class.getName(),
                yaml.toString(), jwt));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(output).as(output).contains("verified");
        assertThat(process.exitValue()).as(output).isZero();
    }

    /** The package as Lambda lays it out, and the probe's own class (from the test classes) after it. */
    private static String classpath(Path pkg) throws IOException {
        List<String> entries = new ArrayList<>(List.of(pkg.toString()));
        try (Stream<Path> jars = Files.list(pkg.resolve("lib"))) {
            jars.sorted().forEach(jar -> entries.add(jar.toString()));
        }
        Path probe = dir(PackageProbe.class);
        Path only = Files.createTempDirectory("probe");
        Path target = only.resolve(PackageProbe.class.getName().replace('.', '/') + ".class");
        Files.createDirectories(target.getParent());
        Files.copy(probe.resolve(PackageProbe.class.getName().replace('.', '/') + ".class"), target);
        entries.add(only.toString());
        return String.join(File.pathSeparator, entries);
    }

    private static Path dir(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }
}
