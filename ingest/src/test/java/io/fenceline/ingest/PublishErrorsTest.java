package io.fenceline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fenceline.core.events.ChangeEvent;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionAbortedException;
import org.junit.jupiter.api.Test;

class PublishErrorsTest {
  private static final Instant AT = Instant.parse("2026-11-26T10:00:00Z");

  /** What commitTransaction throws once a record failed: the producer's error-state wrapper. */
  private static KafkaException errorState(Throwable cause) {
    return new KafkaException(
        "Cannot execute transactional method because we are in an error state", cause);
  }

  @Test
  void notRetriableErrorsAreFatalWhereverTheyAppear() {
    RecordTooLargeException tooLarge =
        new RecordTooLargeException(
            "The request included a message larger than the max message size the server will accept.");
    PublishErrors.Classified c = PublishErrors.classify(errorState(tooLarge), List.of(tooLarge));
    assertThat(c.verdict()).isEqualTo(PublishErrors.Verdict.FATAL);
    assertThat(c.cause()).isSameAs(tooLarge);
    assertThat(
            PublishErrors.classify(errorState(new TopicAuthorizationException("no")), List.of())
                .verdict())
        .isEqualTo(PublishErrors.Verdict.FATAL);
    assertThat(PublishErrors.classify(new InvalidTopicException("bad"), List.of()).verdict())
        .isEqualTo(PublishErrors.Verdict.FATAL);
    assertThat(PublishErrors.classify(new SerializationException("x"), List.of()).verdict())
        .isEqualTo(PublishErrors.Verdict.FATAL);
    assertThat(
            PublishErrors.classify(
                    errorState(null), List.of(new TransactionAbortedException("victim"), tooLarge))
                .cause())
        .as("a record aborted because another failed is not the cause")
        .isSameAs(tooLarge);
  }

  @Test
  void fencingStaysFencingAndRetriableOrAbortableErrorsAreRetried() {
    assertThat(PublishErrors.classify(new ProducerFencedException("other"), List.of()).verdict())
        .isEqualTo(PublishErrors.Verdict.FENCED);
    assertThat(
            PublishErrors.classify(
                    errorState(new ProducerFencedException("other")),
                    List.of(new RecordTooLargeException("x")))
                .verdict())
        .as("fencing wins")
        .isEqualTo(PublishErrors.Verdict.FENCED);
    TimeoutException timeout = new TimeoutException("Expiring 3 record(s)");
    PublishErrors.Classified c = PublishErrors.classify(errorState(timeout), List.of(timeout));
    assertThat(c.verdict()).isEqualTo(PublishErrors.Verdict.RETRY);
    assertThat(c.cause()).as("the real cause, not the wrapper, is logged").isSameAs(timeout);
    assertThat(
            PublishErrors.classify(errorState(new NotEnoughReplicasException("x")), List.of())
                .verdict())
        .isEqualTo(PublishErrors.Verdict.RETRY);
    assertThat(
            PublishErrors.classify(new InvalidProducerEpochException("bump"), List.of()).verdict())
        .as("an abort re-initialises the producer")
        .isEqualTo(PublishErrors.Verdict.RETRY);
    assertThat(PublishErrors.classify(new KafkaException("something else"), List.of()).verdict())
        .isEqualTo(PublishErrors.Verdict.RETRY);
  }

  @Test
  void theMessageNamesClusterObjectSizeAndCause() {
    RecordTooLargeException tooLarge =
        new RecordTooLargeException(
            "The request included a message larger than the max message size the server will accept.");
    ChangeEvent small =
        ChangeEvent.upsert(
            "c1",
            "Namespace",
            "",
            "shop",
            null,
            null,
            AT,
            1,
            JsonNodeFactory.instance.objectNode());
    ChangeEvent big =
        ChangeEvent.upsert(
            "c1", "Pod", "shop", "api-0", null, null, AT, 1, JsonNodeFactory.instance.objectNode());
    List<PublishErrors.Sent> sent =
        List.of(
            new PublishErrors.Sent(small, 120, null), new PublishErrors.Sent(big, 4321, tooLarge));
    PublishErrors.Sent culprit = PublishErrors.culprit(sent, tooLarge);
    assertThat(culprit.event()).isSameAs(big);
    String message =
        PublishErrors.message(
            "c1",
            "127.0.0.1:9092",
            "fenceline.events",
            PublishErrors.classify(errorState(tooLarge), List.of(tooLarge)),
            culprit);
    assertThat(message)
        .isEqualTo(
            "cluster 'c1': Kafka at 127.0.0.1:9092 refused upsert of Pod shop/api-0 (4321 bytes) on topic"
                + " fenceline.events with an error that retrying cannot mend (RecordTooLargeException: The request included a message"
                + " larger than the max message size the server will accept.); the cluster's publisher stopped");
    assertThat(
            PublishErrors.describe(
                new PublishErrors.Sent(ChangeEvent.generationEnd("c1", "Pod", AT, 3), 90, null)))
        .isEqualTo("the Pod generation end marker (90 bytes)");
    assertThat(PublishErrors.describe(new PublishErrors.Sent(small, 120, null)))
        .isEqualTo("upsert of Namespace shop (120 bytes)");
  }
}
