package io.rollbackguard.operator;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** The system clock, plus an offset a test can move forward (to reach a deadline without waiting for it). */
final class TestingClock extends Clock {
  private final AtomicLong offsetMillis = new AtomicLong();

  void advance(long millis) {
    offsetMillis.addAndGet(millis);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public long millis() {
    return System.currentTimeMillis() + offsetMillis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }
}
