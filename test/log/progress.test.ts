// The progress display: redrawn bar on a TTY, periodic plain lines otherwise, silence when quiet.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as log from '../../src/log/index.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, write: (s: string) => writes.push(s) }, writes };
}

test('plain lines at the interval, then a final line with the elapsed time', () => {
  let now = 0;
  const { stream, writes } = fakeStream(false);
  const p = new log.Progress({ total: 1000, label: 'epoch 1/2', stream, lineInterval: 10_000, now: () => now });
  now = 1000;
  p.tick(100, { loss: 2.5 }); // first tick prints
  now = 5000;
  p.tick(400, { loss: 1.25 }); // within the interval: silent
  now = 12_000;
  p.tick(200, { loss: 1 });
  now = 15_000;
  p.done({ loss: 0.5, acc: 0.875 });
  assert.equal(writes.length, 3);
  assert.match(writes[0], /^epoch 1\/2  10%  100\/1000 img  100 img\/s  loss 2\.5000  ETA 0:09\n$/);
  assert.match(writes[1], /70%  700\/1000 img  58 img\/s  loss 1\.0000  ETA 0:05/);
  assert.match(writes[2], /70%  700\/1000 img  47 img\/s  loss 0\.5000  acc 0\.8750  in 0:15\n$/);
  assert.doesNotMatch(writes.join(''), /\r/);
});

test('a terminal gets one redrawn line with a bar', () => {
  let now = 0;
  const { stream, writes } = fakeStream(true);
  const p = new log.Progress({ total: 10, stream, now: () => now });
  now = 1000;
  p.tick(5);
  now = 2000;
  p.tick(5);
  p.done();
  assert.match(writes[0], /^\r\[============>\s+\]  50%  5\/10 img  5 img\/s  ETA 0:01\x1b\[K$/);
  assert.match(writes[1], /^\r\[========================\] 100%  10\/10 img  5 img\/s  ETA 0:00/);
  assert.match(writes[2], /^\r\[========================\] 100%  10\/10 img  5 img\/s  in 0:02\x1b\[K\n$/);
});

test('quiet prints nothing; durations format as m:ss and h:mm:ss', () => {
  const { stream, writes } = fakeStream(false);
  const p = new log.Progress({ total: 5, stream, quiet: true });
  p.tick(5);
  p.done();
  assert.deepEqual(writes, []);
  assert.equal(log.formatDuration(65), '1:05');
  assert.equal(log.formatDuration(3725), '1:02:05');
  assert.equal(log.formatDuration(NaN), '--:--');
});
