import type { TandemClient } from '@tandem/client';
import { createElement } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { TandemProvider } from '../../src/tandem-provider.ts';
import { domWindow } from './dom.ts';

/** A hook rendered by a real react-dom root inside a {@link TandemProvider}. */
export interface RenderedHook<T> {
  /** The value the hook returned on the latest render. */
  current(): T;
  /** Errors React reported from rendering. */
  readonly errors: unknown[];
  unmount(): void;
}

/** Renders `hook` in a component mounted into the (happy-dom) document, under `client`. */
export function renderHook<T>(hook: () => T, client: TandemClient | null): RenderedHook<T> {
  const container = domWindow.document.createElement('div');
  domWindow.document.body.appendChild(container);
  const errors: unknown[] = [];
  const root = createRoot(container as never, {
    onUncaughtError: (error) => errors.push(error),
    onCaughtError: (error) => errors.push(error),
  });
  let value: { v: T } | null = null;
  function Probe() {
    value = { v: hook() };
    return null;
  }
  const probe = createElement(Probe);
  // The first render is synchronous, so `current()` is usable as soon as this returns.
  flushSync(() => root.render(client ? createElement(TandemProvider, { client }, probe) : probe));
  return {
    current() {
      if (!value) throw new Error('the hook has not rendered yet');
      return value.v;
    },
    errors,
    unmount() {
      root.unmount();
      container.remove();
    },
  };
}
