package app.photobomb.ops.common.messaging;

import app.photobomb.ops.common.audit.AuditLog;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.transaction.support.TransactionTemplate;

/** The shared pieces every consumer of a service uses. */
record MessagingRuntime(PayloadCodec codec, Inbox inbox, Outbox outbox, DeadLetterPublisher deadLetters,
    TransactionTemplate transactions, int maxAttempts, SourcePolicy sources, AuditLog auditLog,
    MeterRegistry meterRegistry) {
}
