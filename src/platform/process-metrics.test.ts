import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memorySettings } from './process-metrics.ts';

test('memorySettings reads the launcher’s settings from the environment and node’s options (the last semi-space option wins)', () => {
  assert.deepEqual(memorySettings({ MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '65536' }, ['--max-semi-space-size=2', '--heap-growing-percent=50', '--cpu-prof', '--max-semi-space-size=16']), {
    mallocArenaMax: '2',
    mallocMmapThreshold: '65536',
    maxSemiSpaceMb: '16',
    heapGrowingPercent: '50',
  });
  assert.deepEqual(memorySettings({}, []), { mallocArenaMax: null, mallocMmapThreshold: null, maxSemiSpaceMb: null, heapGrowingPercent: null });
});
