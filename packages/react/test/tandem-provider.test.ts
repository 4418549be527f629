import './support/dom.ts';
import { TandemClient } from '@tandem/client';
import { describe, expect, it } from 'vitest';
import { useTandemClient } from '../src/tandem-provider.ts';
import { waitFor } from './support/real-server.ts';
import { renderHook } from './support/render-hook.ts';

describe('TandemProvider', () => {
  it('gives every hook below it the same client', async () => {
    const client = new TandemClient({ url: 'http://127.0.0.1:9', autoConnect: false });
    const hook = renderHook(() => useTandemClient(), client);
    await waitFor('render', () => {
      try {
        return hook.current() === client;
      } catch {
        return false;
      }
    });
    hook.unmount();
  });

  it('fails loudly when a hook is used outside a provider', async () => {
    const hook = renderHook(() => useTandemClient(), null);
    await waitFor('the render error', () => hook.errors.length > 0);
    expect(String(hook.errors[0])).toMatch(/TandemProvider/);
    hook.unmount();
  });
});
