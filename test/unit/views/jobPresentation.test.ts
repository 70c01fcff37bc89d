// How a job row reads (issue 12): the state first and short, the prompt after it; the tooltip's thumbnail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobRecord, SavedAsset } from '../../../src/core/jobModel';
import {
  jobAccessibilityLabel,
  jobContextValue,
  jobDescription,
  jobStateLabel,
  jobTooltipMarkdown,
  thumbnailMarkdown,
} from '../../../src/views/jobPresentation';
import { groupJobs, groupKeyOf, groupSummary, isGroupKey, OTHER_PROMPTS_GROUP, promptFileOfGroup } from '../../../src/views/jobGroups';
import { MAX_SEED, randomSeed, withSeed } from '../../../src/commands/rerunRequest';

const PROMPT = 'a very long prompt about a lighthouse on a cliff at dusk, watercolor, soft light, gulls, waves, mist';
const START = 1_000_000;

function job(change: Partial<JobRecord> = {}): JobRecord {
  return {
    id: 'j1',
    idempotencyKey: 'k',
    request: { providerId: 'sandbox', model: 'landscape', prompt: PROMPT, params: { width: 1024, height: 768, seed: 7 } },
    source: { kind: 'input' },
    output: { root: 'file:///w', folder: 'out', nameTemplate: '{{name}}', baseName: 'x' },
    createdAt: START,
    updatedAt: START,
    status: 'queued',
    assets: [],
    ...change,
  };
}

const image: SavedAsset = { path: 'out/x.png', sidecarPath: 'out/x.png.json', mimeType: 'image/png', width: 1024, height: 768, bytes: 9 };

test('the label is the state, short enough for the default sidebar width; the description is the prompt', () => {
  const now = START + 7_000;
  const cases: [Partial<JobRecord>, string][] = [
    [{ status: 'submitting' }, 'submitting · 0:07'],
    [{ status: 'queued', queuePosition: 2 }, 'queued #2 · 0:07'],
    [{ status: 'queued', queuePosition: 2, queueLength: 5, warning: 'HTTP 503' }, 'queued #2/5 · 0:07 · ⚠ retrying'],
    [{ status: 'running', progress: 0.666 }, 'running 67% · 0:07'],
    [{ status: 'running', progress: 0 }, 'running · 0:07'],
    [{ status: 'downloading' }, 'downloading · 0:07'],
    [{ status: 'succeeded', assets: [image, image], finishedAt: START + 5_000, credits: 1 }, '2 images · 0:05 · 1 credits'],
    [{ status: 'cancelled', finishedAt: START + 4_000 }, 'cancelled · 0:04'],
  ];
  for (const [change, label] of cases) {
    assert.equal(jobStateLabel(job(change), now), label);
    assert.ok(label.length <= 32, `${label} fits`);
    assert.equal(jobDescription(job(change)), PROMPT);
  }
  const failed = job({
    status: 'failed',
    error: { message: 'the Sandbox model "broken" always fails: use it to try the failure flow', phase: 'provider', retryable: false },
  });
  // the reason is in the tooltip and the screen reader's label; the row keeps room for the prompt
  assert.equal(jobStateLabel(failed, now), 'failed · 0:07');
  assert.equal(
    jobAccessibilityLabel(failed, now),
    'failed · 0:07: the Sandbox model "broken" always fails: use it to try the failure flow, ' + `${PROMPT}, sandbox/landscape`,
  );
  assert.equal(jobDescription(job({ request: { ...job().request, prompt: 'two\n  lines' } })), 'two lines');
});

test('a submission waiting to be sent says why and until when: label, description, hover, screen reader', () => {
  const now = START + 18_000;
  const until = new Date(2024, 0, 1, 15, 4, 10).getTime();
  const limited = job({ status: 'submitting', waitingToSend: { until, reason: 'Rate limited by Serika', rateLimited: true } });
  assert.equal(jobStateLabel(limited, now), 'rate limited · 0:18');
  assert.equal(jobDescription(limited), `Rate limited by Serika: sending again at 15:04:10 · ${PROMPT}`);
  assert.match(jobTooltipMarkdown(limited), /\n\$\(warning\) Rate limited by Serika: sending again at 15:04:10(\n|$)/);
  assert.equal(
    jobAccessibilityLabel(limited, now),
    `rate limited · 0:18, Rate limited by Serika: sending again at 15:04:10 · ${PROMPT}, sandbox/landscape`,
  );
  const backingOff = job({
    status: 'submitting',
    waitingToSend: { until, reason: 'Attempt 1 failed (connection refused)', rateLimited: false },
  });
  assert.equal(jobStateLabel(backingOff, now), 'submitting · 0:18 · ⚠ retrying');
  assert.ok(jobDescription(backingOff).startsWith('Attempt 1 failed (connection refused): sending again at 15:04:10 · '));
  // a finished job's description is its prompt alone, whatever it waited for
  assert.equal(jobDescription(job({ status: 'cancelled', waitingToSend: limited.waitingToSend })), PROMPT);
  // the hover leads with the same words as the row
  assert.match(jobTooltipMarkdown(limited), /^\*\*rate limited\*\* — sandbox\/landscape/);
});

test('a sweep cell waiting its turn (no end to its wait) reads "waiting to send", not "submitting": only the cell on its way is', () => {
  const now = START + 5_000;
  const waiting = job({ status: 'submitting', waitingToSend: {} });
  assert.equal(jobStateLabel(waiting, now), 'waiting to send · 0:05');
  assert.match(jobTooltipMarkdown(waiting), /^\*\*waiting to send\*\* — sandbox\/landscape/);
  assert.equal(jobStateLabel(job({ status: 'submitting' }), now), 'submitting · 0:05');
});

test('the hover of a submission waiting its turn says what it waits for: the cells before it, or room at its provider', () => {
  const cell = { batchId: 'b', keys: ['seed'], values: [2], position: [1], shape: [2] };
  const waitingCell = job({ status: 'submitting', waitingToSend: {}, sweep: cell });
  assert.match(
    jobTooltipMarkdown(waitingCell),
    /\$\(warning\) Waiting its turn: a sweep's jobs go to Sandbox \(offline\) one after another, each once the one before is sent$/m,
  );
  assert.match(
    jobTooltipMarkdown(job({ status: 'submitting', waitingToSend: {} })),
    /\$\(warning\) Waiting for room at Sandbox \(offline\): its documented limits on requests at once or per second are reached$/m,
  );
  assert.doesNotMatch(jobTooltipMarkdown(job({ status: 'submitting' })), /Waiting/);
});

test('the screen reader hears a reason that ends in a full stop or a quote once, before the comma', () => {
  const now = START + 2_000;
  const auth = job({
    status: 'failed',
    error: {
      message: 'Serika: HTTP 401, the API key was rejected: Invalid API key. Run "Image Jobs: Set API Key".',
      phase: 'submit',
      retryable: true,
      kind: 'auth',
    },
    request: { ...job().request, prompt: 'a red fox' },
  });
  assert.equal(
    jobAccessibilityLabel(auth, now),
    'failed · 0:02: Serika: HTTP 401, the API key was rejected: Invalid API key. Run "Image Jobs: Set API Key", a red fox, sandbox/landscape',
  );
  const quoted = job({ status: 'failed', error: { message: 'It said "stop."', phase: 'provider', retryable: false } });
  assert.match(jobAccessibilityLabel(quoted, now), /^failed · 0:02: It said "stop", /);
  // a job retrying its looks says what it ran into
  const warned = job({ status: 'running', warning: 'Rate limited by Serika: checking again at 15:04:10.' });
  assert.match(jobAccessibilityLabel(warned, now), /^running · 0:02 · ⚠ retrying: Rate limited by Serika: checking again at 15:04:10, /);
});

test('a job cancelled where its provider has no cancel reads "stopped tracking", and its hover says it may still run and be billed', () => {
  const stopped = job({
    request: { ...job().request, providerId: 'serika' },
    status: 'cancelled',
    cancelledLocally: true,
    finishedAt: START + 8000,
  });
  assert.equal(jobStateLabel(stopped, START + 60_000), 'stopped tracking · 0:08');
  const hover = jobTooltipMarkdown(stopped);
  // jobs alike are told apart by when each was made (local time)
  const made = new Date(START);
  const clock = [made.getHours(), made.getMinutes(), made.getSeconds()].map((part) => String(part).padStart(2, '0')).join(':');
  assert.ok(hover.includes(`Made at ${clock} · local id \`j1\``), hover);
  assert.match(hover, /^\*\*stopped tracking\*\* — serika\/landscape/);
  // escaped for Markdown: "billed\."
  assert.match(hover, /\$\(warning\) Stopped tracking: Serika has no cancel, so the job may still run there and be billed\\\.$/);
  // a provider that cancelled it: plainly cancelled, no note
  const cancelled = job({ status: 'cancelled', finishedAt: START + 8000 });
  assert.equal(jobStateLabel(cancelled, START + 60_000), 'cancelled · 0:08');
  assert.doesNotMatch(jobTooltipMarkdown(cancelled), /Stopped tracking/);
});

test('finished jobs carry the tokens of Run Again and Run with a New Seed, where a seed means something', () => {
  assert.deepEqual(jobContextValue(job({ status: 'running' })).split(' '), ['job', 'status-running', 'cancelable']);
  assert.deepEqual(jobContextValue(job({ status: 'succeeded', assets: [image] })).split(' '), [
    'job',
    'status-succeeded',
    'hasResult',
    'removable',
    'finished',
    'reseedable',
  ]);
  const subModel = job({ status: 'failed', request: { ...job().request, providerId: 'submodel' } });
  assert.match(jobContextValue(subModel), /\bfinished\b/);
  assert.doesNotMatch(jobContextValue(subModel), /reseedable/, 'SubModel sends no seed');
  const upscale = job({ status: 'succeeded', request: { ...job().request, operation: { kind: 'upscale', imageId: 'i' } } });
  assert.doesNotMatch(jobContextValue(upscale), /reseedable/);
});

test('the tooltip starts with a thumbnail of the first image, scaled to at most 192 px, when given its URI', () => {
  const done = job({ status: 'succeeded', assets: [image] });
  const uri = 'file:///w/out/x.png';
  const markdown = jobTooltipMarkdown(done, uri);
  assert.ok(markdown.startsWith(`![first image](${uri}|width=192,height=144)\n`), markdown);
  assert.match(markdown, /seed 7/);
  assert.doesNotMatch(jobTooltipMarkdown(done), /!\[/, 'no URI, no image');
  const video = job({ status: 'succeeded', assets: [{ ...image, mimeType: 'video/mp4' }] });
  assert.doesNotMatch(jobTooltipMarkdown(video, uri), /!\[/, 'a video is not an image');
  assert.equal(
    thumbnailMarkdown(uri, { ...image, width: 100, height: 50 }),
    `![first image](${uri}|width=100,height=50)`,
    'never enlarged',
  );
  assert.equal(thumbnailMarkdown(uri, { ...image, width: undefined }), `![first image](${uri}|width=192)`);
});

test('jobs group by prompt file, selections and typed prompts together, groups ordered by their newest job', () => {
  const a = { kind: 'promptFile', uri: 'file:///w/a.prompt' } as const;
  const jobs = [
    job({ id: '1', source: { kind: 'selection', uri: 'file:///w/notes.md' } }),
    job({ id: '2', source: a, status: 'succeeded' }),
    job({ id: '3', source: { kind: 'script' } }),
    job({ id: '4', source: a }),
  ];
  const groups = groupJobs(jobs);
  assert.deepEqual(
    groups.map((group) => [group.key, group.jobs.map((member) => member.id)]),
    [
      [OTHER_PROMPTS_GROUP, ['1', '3']],
      ['group:file:file:///w/a.prompt', ['2', '4']],
    ],
  );
  assert.equal(promptFileOfGroup(groupKeyOf(a)), 'file:///w/a.prompt');
  assert.equal(promptFileOfGroup(OTHER_PROMPTS_GROUP), undefined);
  assert.ok(isGroupKey(OTHER_PROMPTS_GROUP) && !isGroupKey('0b8f3c4e-6a7d-4c1e-9f2a-1d2e3f4a5b6c'));
  assert.equal(groupSummary(groups[1]!.jobs), '2 jobs · 1 active');
  assert.equal(groupSummary([jobs[1]!]), '1 job');
});

test('a new seed replaces the old one and nothing else; seeds cover the schema range', () => {
  const request = job().request;
  assert.deepEqual(withSeed(request, 42), { ...request, params: { width: 1024, height: 768, seed: 42 } });
  assert.equal(request.params.seed, 7, 'the old request is untouched');
  const seeds = Array.from({ length: 200 }, randomSeed);
  assert.ok(seeds.every((seed) => Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED));
  assert.ok(new Set(seeds).size > 190, 'seeds differ');
});

test('an upscale from the gallery names the image it starts from, before the prompt it keeps', () => {
  const source = { uri: 'file:///w/out/boat-7.png', file: 'boat-7.png', sha256: 'ab' };
  const upscale = job({
    request: { providerId: 'sandbox', model: 'landscape', prompt: 'a boat', params: {}, operation: { kind: 'upscale', source } },
  });
  assert.equal(jobDescription(upscale), 'Upscale of boat-7.png · a boat');
  // by id alone (PhotoGPT: Upscale Image), the prompt already says what it is
  const byId = job({
    request: {
      providerId: 'photogpt',
      model: '',
      prompt: 'Upscale of PhotoGPT image img-1',
      params: {},
      operation: { kind: 'upscale', imageId: 'img-1' },
    },
  });
  assert.equal(jobDescription(byId), 'Upscale of PhotoGPT image img-1');
});
