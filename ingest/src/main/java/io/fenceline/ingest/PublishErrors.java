package io.fenceline.ingest;

import io.fenceline.core.events.ChangeEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.common.errors.TransactionAbortedException;
import org.apache.kafka.common.errors.UnknownProducerIdException;

/**
 * What a failed transaction of the publisher means: fenced (another ingest took the cluster over),
 * fatal (retrying the same events would fail the same way: record too large, not authorized,
 * invalid topic, serialization) or worth a retry (Kafka's {@link RetriableException}s, and the
 * errors an abort recovers from). Pure.
 */
final class PublishErrors {
  enum Verdict {
    FENCED,
    FATAL,
    RETRY
  }

  /** The verdict and the error behind it (not the "we are in an error state" wrapper). */
  record Classified(Verdict verdict, Throwable cause) {}

  /**
   * One record of a failed transaction: its event, its serialized size, and its own error if any.
   */
  record Sent(ChangeEvent event, int bytes, Throwable error) {}

  private PublishErrors() {}

  /**
   * @param error what the transaction method threw
   * @param sendErrors the errors of individual records (their callbacks), in send order
   */
  static Classified classify(Throwable error, List<Throwable> sendErrors) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable s : sendErrors) {
      addChain(chain, s);
    }
    addChain(chain, error);
    for (Throwable t : chain) {
      if (t instanceof ProducerFencedException) {
        return new Classified(Verdict.FENCED, t);
      }
    }
    for (Throwable t : chain) {
      if (isFatal(t)) {
        return new Classified(Verdict.FATAL, t);
      }
    }
    return new Classified(Verdict.RETRY, rootCause(chain, error));
  }

  /** Retrying the same records cannot succeed. */
  static boolean isFatal(Throwable t) {
    if (t instanceof RetriableException || abortRecovers(t)) {
      return false;
    }
    return t instanceof ApiException || t instanceof SerializationException;
  }

  /**
   * Errors after which aborting the transaction (and bumping the epoch) lets the producer go on.
   */
  private static boolean abortRecovers(Throwable t) {
    return t instanceof InvalidProducerEpochException
        || t instanceof TransactionAbortedException
        || t instanceof TransactionAbortableException
        || t instanceof OutOfOrderSequenceException
        || t instanceof UnknownProducerIdException
        || t instanceof InvalidPidMappingException;
  }

  /** The most specific error known: a record's own, else the deepest cause of the transaction's. */
  private static Throwable rootCause(List<Throwable> chain, Throwable error) {
    for (Throwable t : chain) {
      if (!(t instanceof TransactionAbortedException) && t.getClass() != KafkaException.class) {
        return t;
      }
    }
    Throwable t = error;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  private static void addChain(List<Throwable> out, Throwable t) {
    for (Throwable c = t; c != null && !out.contains(c); c = c.getCause()) {
      out.add(c);
    }
  }

  /**
   * The record to name: the first whose own error is {@code cause} (or the first with any error but
   * an abort).
   */
  static Sent culprit(List<Sent> sent, Throwable cause) {
    Sent any = null;
    for (Sent s : sent) {
      if (s.error() == null || s.error() instanceof TransactionAbortedException) {
        continue;
      }
      for (Throwable c = s.error(); c != null; c = c.getCause()) {
        if (c == cause
            || (c.getClass() == cause.getClass()
                && java.util.Objects.equals(c.getMessage(), cause.getMessage()))) {
          return s;
        }
      }
      if (any == null) {
        any = s;
      }
    }
    return any;
  }

  /**
   * "upsert of Pod shop/api-0 (4096 bytes)", "Namespace shop", "the Pod generation end marker", "a
   * heartbeat".
   */
  static String describe(Sent s) {
    ChangeEvent e = s.event();
    String what =
        switch (e.type()) {
          case GENERATION_END -> "the " + e.kind() + " generation end marker";
          case HEARTBEAT -> "a heartbeat";
          default ->
              e.type().name().toLowerCase(java.util.Locale.ROOT)
                  + " of "
                  + e.kind()
                  + " "
                  + (e.namespace().isEmpty() ? e.name() : e.namespace() + "/" + e.name());
        };
    return what + " (" + s.bytes() + " bytes)";
  }

  /** The one message a fatal refusal is reported with. */
  static String message(String cluster, String brokers, String topic, Classified c, Sent culprit) {
    String cause = c.cause().getClass().getSimpleName() + ": " + c.cause().getMessage();
    return "cluster '"
        + cluster
        + "': Kafka at "
        + brokers
        + " refused "
        + (culprit == null ? "a transaction" : describe(culprit))
        + " on topic "
        + topic
        + " with an error that"
        + " retrying cannot mend ("
        + cause
        + "); the cluster's publisher stopped";
  }
}
