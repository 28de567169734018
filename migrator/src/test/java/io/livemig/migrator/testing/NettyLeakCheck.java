package io.livemig.migrator.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** JUnit 5: every buffer tracked, and a test that dropped a buffer unreleased fails ({@link NettyLeaks}). */
public final class NettyLeakCheck implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        NettyLeaks.paranoid();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        NettyLeaks.reset();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        NettyLeaks.assertNone();
    }
}
