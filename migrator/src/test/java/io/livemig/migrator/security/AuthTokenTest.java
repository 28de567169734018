package io.livemig.migrator.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthTokenTest {
    private static final byte[] NS = new byte[32];
    private static final byte[] ND = new byte[32];

    static {
        ND[0] = 1;
    }

    @TempDir
    Path dir;

    static Path tokenFile(Path dir, String name, String content, String permissions) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        return file;
    }

    @Test
    void aPrivateFileLoadsWithoutItsTrailingNewline() throws Exception {
        AuthToken loaded = AuthToken.load(tokenFile(dir, "t", "s3cret\n", "rw-------"));
        AuthToken direct = AuthToken.of("s3cret".getBytes(StandardCharsets.UTF_8));
        assertThat(loaded.proof(AuthToken.Role.SOURCE, NS, ND)).isEqualTo(direct.proof(AuthToken.Role.SOURCE, NS, ND));
        assertThat(loaded.toString()).doesNotContain("s3cret");
    }

    @Test
    void aFileReadableByOthersIsRefused() throws Exception {
        Path file = tokenFile(dir, "t", "s3cret", "rw-r--r--");
        assertThatThrownBy(() -> AuthToken.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("accessible by group or others").hasMessageContaining("chmod 600");
    }

    @Test
    void aFileReadableByTheGroupIsRefused() throws Exception {
        Path file = tokenFile(dir, "t", "s3cret", "rw-r-----");
        assertThatThrownBy(() -> AuthToken.load(file)).hasMessageContaining("accessible by group or others");
    }

    @Test
    void emptyAndMissingFilesAreRefused() throws Exception {
        Path empty = tokenFile(dir, "e", " \n", "rw-------");
        assertThatThrownBy(() -> AuthToken.load(empty)).hasMessageContaining("is empty");
        assertThatThrownBy(() -> AuthToken.load(dir.resolve("none"))).hasMessageContaining("does not exist");
    }

    @Test
    void proofsDependOnRoleNoncesAndToken() {
        AuthToken a = AuthToken.of(new byte[] {1, 2, 3});
        byte[] p = a.proof(AuthToken.Role.SOURCE, NS, ND);
        assertThat(p).hasSize(AuthToken.PROOF_BYTES);
        assertThat(a.verify(AuthToken.Role.SOURCE, NS, ND, p)).isTrue();
        assertThat(a.verify(AuthToken.Role.DESTINATION, NS, ND, p)).as("no reflection").isFalse();
        assertThat(a.verify(AuthToken.Role.SOURCE, ND, NS, p)).as("nonces bound in order").isFalse();
        assertThat(AuthToken.of(new byte[] {1, 2, 4}).verify(AuthToken.Role.SOURCE, NS, ND, p)).isFalse();
        assertThat(a.verify(AuthToken.Role.SOURCE, NS, ND, new byte[0])).isFalse();
    }
}
