package io.sekisho.deploy;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The deploy/ integration tests need a Docker engine. In CI ({@code CI=true}) a missing engine fails
 * the run, so these tests are never skipped silently there; on a developer's machine they are
 * skipped with a message saying what to start.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresDocker.Condition.class)
@interface RequiresDocker {
    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            String why;
            try {
                if (DockerClientFactory.instance().isDockerAvailable()) {
                    return ConditionEvaluationResult.enabled("a Docker engine answers");
                }
                why = "no Docker engine answers";
            } catch (RuntimeException e) {
                // Testcontainers throws, rather than answering false, for some broken set-ups
                // (an engine without the network it looks for, a socket that refuses).
                why = "Docker cannot be used: " + e.getMessage();
            }
            String msg = why + "; the deploy/ integration tests need a Docker engine"
                    + " (see README.md, \"Tests\")";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(msg + "; required in CI");
            }
            return ConditionEvaluationResult.disabled(msg);
        }
    }
}
