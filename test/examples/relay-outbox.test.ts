import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../examples/relay-outbox.js';

describe('examples/relay-outbox.ts', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('delivers every event once across an outage: the batch before the failure acknowledged, the rest on the next run', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
    await main();
    expect(lines[0]).toBe('first run stopped: message centre unavailable; 2 events published and acknowledged, the rest given back');
    expect(lines[1]).toBe('second run delivered 2 events');
    expect(lines.slice(2, 6).map((l) => l.trim().split(/\s+/)[1])).toEqual(['case:registered', 'case:accepted', 'case:dispatched', 'assignment:signed']);
    expect(lines[6]).toBe('the centre holds 4 events, 0 duplicates dropped');
  });
});
