package io.portcullis.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Reads the files of an upstream TLS setting (CA certificates, a client certificate as PEM chain and key or as
 * PKCS#12) and builds the {@link SSLContext}. Each reader throws {@link IllegalArgumentException} with a message
 * fit for the key it was given under: an unreadable file stops startup (ProxyAuth drops it silently).
 */
final class TlsMaterial {
    private static final char[] IN_MEMORY = "in-memory".toCharArray();

    private TlsMaterial() {
    }

    /** Every certificate in a PEM (or DER) file. */
    static List<X509Certificate> certificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in)
                    .stream().map(X509Certificate.class::cast).toList();
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + file);
            }
            return certificates;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + why(e));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("no readable certificate in " + file);
        }
    }

    /** A PEM private key: PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC}). */
    static PrivateKey privateKey(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(reader)) {
            Object parsed = pem.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (parsed instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (parsed instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            throw new IllegalArgumentException(file + " holds no unencrypted PEM private key (an encrypted key "
                    + "belongs in a PKCS#12 file with a password)");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + why(e));
        }
    }

    /** A PKCS#12 file with exactly one private key entry. */
    static KeyStore pkcs12(Path file, String password) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            long keys = java.util.Collections.list(store.aliases()).stream().filter(alias -> isKey(store, alias)).count();
            if (keys != 1) {
                throw new IllegalArgumentException(file + " must hold exactly one private key, not " + keys);
            }
            return store;
        } catch (IOException e) {
            throw new IllegalArgumentException(e instanceof java.nio.file.NoSuchFileException
                    || e instanceof java.nio.file.AccessDeniedException ? "cannot read " + file + ": " + why(e)
                    : "cannot open " + file + " (" + rootMessage(e) + "; is the password right?)");
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot open " + file + ": " + e.getMessage());
        }
    }

    private static boolean isKey(KeyStore store, String alias) {
        try {
            return store.isKeyEntry(alias);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** A key store with the chain and its key, as key managers want it. */
    static KeyStore keyStore(List<X509Certificate> chain, PrivateKey key) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("client", key, IN_MEMORY, chain.toArray(Certificate[]::new));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("the key does not belong to the certificate: " + e.getMessage());
        }
    }

    /**
     * The context: the system's trusted CAs plus {@code extraCas}, and the client identity when given. Host names
     * are verified by the client (endpoint identification), not here.
     */
    static SSLContext context(List<X509Certificate> extraCas, Optional<KeyStore> identity, char[] identityPassword) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            system.init((KeyStore) null);
            int n = 0;
            for (var manager : system.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    for (X509Certificate ca : x509.getAcceptedIssuers()) {
                        trust.setCertificateEntry("system-" + n++, ca);
                    }
                }
            }
            for (X509Certificate ca : extraCas) {
                trust.setCertificateEntry("configured-" + n++, ca);
            }
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            KeyManagerFactory keyManagers = null;
            if (identity.isPresent()) {
                keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keyManagers.init(identity.get(), identityPassword);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(),
                    null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage());
        }
    }

    static char[] inMemoryPassword() {
        return IN_MEMORY.clone();
    }

    private static String why(IOException e) {
        return e instanceof java.nio.file.NoSuchFileException ? "no such file"
                : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : rootMessage(e);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }
}
