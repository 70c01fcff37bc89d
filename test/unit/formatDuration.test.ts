// A span of time as the messages say it: rate limits ("asked to wait 10 minutes, longer than a job waits
// to be sent (1 minute)") and expired results ("SubModel keeps results for 30 minutes", "expired 5 minutes ago").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration } from '../../src/core/jobModel';

test('seconds: whole ones, rounded up, so that a wait never reads shorter than it is', () => {
  assert.equal(formatDuration(0), '0 seconds');
  assert.equal(formatDuration(1), '1 second');
  assert.equal(formatDuration(1000), '1 second');
  assert.equal(formatDuration(1001), '2 seconds');
  assert.equal(formatDuration(44_200), '45 seconds');
  assert.equal(formatDuration(-5000), '0 seconds', 'a moment already past');
});

test('below two minutes, seconds unless a whole minute: "about 1 minute" would hide up to half of it', () => {
  assert.equal(formatDuration(57_000), 'about 1 minute', 'nearly one');
  assert.equal(formatDuration(60_000), '1 minute');
  assert.equal(formatDuration(60_001), '61 seconds');
  assert.equal(formatDuration(90_000), '90 seconds');
  assert.equal(formatDuration(119_000), '119 seconds');
  assert.equal(formatDuration(120_000), '2 minutes');
});

test('minutes from two, "about" when not whole, rounded to the nearest', () => {
  assert.equal(formatDuration(149_000), 'about 2 minutes');
  assert.equal(formatDuration(150_000), 'about 3 minutes');
  assert.equal(formatDuration(10 * 60_000), '10 minutes');
  assert.equal(formatDuration(30 * 60_000), '30 minutes');
  assert.equal(formatDuration(56 * 60_000), '56 minutes');
});

test('hours and days the same way: nearly one is "about 1", past one and below two in the smaller unit', () => {
  assert.equal(formatDuration(57 * 60_000), 'about 1 hour');
  assert.equal(formatDuration(3599_000), 'about 1 hour');
  assert.equal(formatDuration(3600_000), '1 hour');
  assert.equal(formatDuration(90 * 60_000), '90 minutes');
  assert.equal(formatDuration(5430_000), 'about 91 minutes');
  assert.equal(formatDuration(2 * 3600_000), '2 hours');
  assert.equal(formatDuration(9000_000), 'about 3 hours');
  assert.equal(formatDuration(86_400_000), '1 day');
  assert.equal(formatDuration(7 * 86_400_000), '7 days');
});
