import { describe, expect, it } from 'vitest';
import { parseCli } from '../src/cli-options.ts';

describe('bench command line', () => {
  it('runs the quick profile against all three servers and every workload by default', () => {
    const o = parseCli([]);
    expect(o.profile.name).toBe('quick');
    expect(o.targets).toEqual(['tandem', 'socketio', 'ws']);
    expect(o.workloads).toEqual(['fanout', 'rooms', 'idle', 'record', 'two-nodes', 'storm', 'operations']);
    expect(o.updateDocs).toBe(false);
  });

  it('updates the documentation only for a full run unless asked', () => {
    expect(parseCli(['--full']).updateDocs).toBe(true);
    expect(parseCli(['--quick', '--update-docs']).updateDocs).toBe(true);
  });

  it('keeps the canonical order of --only and --targets', () => {
    const o = parseCli(['--only=storm,fanout', '--targets=ws,tandem']);
    expect(o.workloads).toEqual(['fanout', 'storm']);
    expect(o.targets).toEqual(['tandem', 'ws']);
  });

  it('refuses unknown options and workloads with the usage text', () => {
    expect(() => parseCli(['--fast'])).toThrow(/Unknown option --fast[\s\S]*npm run bench/);
    expect(() => parseCli(['--only=fanout,latency'])).toThrow(/--only takes/);
  });

  it('keeps the full profile at the counts of the issue', () => {
    const full = parseCli(['--full']).profile;
    expect(full.fanout.subscribers).toBe(1000);
    expect(full.rooms.rooms * full.rooms.members).toBe(10_000);
    expect(full.idle.connections).toBe(19_000);
    expect(full.storm.clients).toBe(5000);
  });
});
